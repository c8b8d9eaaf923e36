// Embedded Neo4j 5 (community) with a Bolt connector, for Titan's integration tests.
//
// Usage (Java 11+ single-file source launch; jars resolved by tests/services/up.sh):
//   java -Xmx1g -cp 'tests/services/.cache/neo4j-lib/*' tests/services/neo4j/Launcher.java <dir> <port> <password>
//
// - <dir>: home of the DBMS (data, transaction logs, debug.log go below it).
// - Bolt listens on 127.0.0.1:<port>, no TLS; auth is enabled and user "neo4j" gets <password>
//   (Neo4j requires at least 8 characters).
// - Prints "READY bolt://127.0.0.1:<port>" once `RETURN 1` works both embedded and over Bolt with
//   the official Java driver and those credentials. Any failure before that exits with status 1.
// - SIGTERM/SIGINT shut the DBMS down cleanly (shutdown hook), then prints "STOPPED".

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Logging;
import org.neo4j.driver.Session;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.logging.log4j.Log4jLogProvider;
import org.neo4j.logging.Level;

public class Launcher {
    private static volatile DatabaseManagementService dbms;
    private static final CountDownLatch stopped = new CountDownLatch(1);

    private static void log(String msg) {
        System.out.println("[titan-neo4j] " + msg);
        System.out.flush();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Launcher.java <dir> <port> <password>");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        String password = args[2];
        Files.createDirectories(home);

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            DatabaseManagementService s = dbms;
            if (s != null) {
                log("shutting down");
                try {
                    s.shutdown();
                } catch (Throwable t) {
                    t.printStackTrace();
                }
                log("STOPPED");
            }
            stopped.countDown();
        }, "titan-neo4j-shutdown"));

        try {
            long t0 = System.nanoTime();
            dbms = new DatabaseManagementServiceBuilder(home)
                    .setUserLogProvider(new Log4jLogProvider(System.out, Level.INFO))
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                    .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    .setConfig(GraphDatabaseSettings.auth_enabled, true)
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(256))
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                    // Bolt's netty shutdown waits a 5 s quiet period per connector by default.
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(5))
                    .build();

            // Give the built-in "neo4j" user the requested password (fresh stores start with
            // password "neo4j" + change required). Embedded calls run with full privileges.
            GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
            try {
                system.executeTransactionally(
                        "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
            } catch (RuntimeException e) {
                // Restart on an existing store whose password is already this one.
                log("ALTER USER neo4j: " + e.getMessage());
            }

            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            Object one = db.executeTransactionally("RETURN 1 AS one", Map.of(), r -> r.next().get("one"));
            if (!Long.valueOf(1).equals(one)) {
                throw new IllegalStateException("embedded RETURN 1 gave " + one);
            }

            String uri = "bolt://127.0.0.1:" + port;
            Config cfg = Config.builder()
                    .withLogging(Logging.none())
                    .withConnectionTimeout(10, TimeUnit.SECONDS)
                    .withoutEncryption()
                    .build();
            try (Driver driver = GraphDatabase.driver(uri, AuthTokens.basic("neo4j", password), cfg);
                    Session session = driver.session()) {
                long v = session.run("RETURN 1 AS one").single().get("one").asLong();
                if (v != 1) {
                    throw new IllegalStateException("Bolt RETURN 1 gave " + v);
                }
            }
            long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
            log("READY " + uri + " (neo4j " + org.neo4j.kernel.internal.Version.getNeo4jVersion() + ", " + ms + " ms)");
        } catch (Throwable t) {
            log("FAILED: " + t);
            t.printStackTrace();
            DatabaseManagementService s = dbms;
            dbms = null;
            if (s != null) {
                try {
                    s.shutdown();
                } catch (Throwable ignored) {
                    // already failing
                }
            }
            System.exit(1);
        }

        stopped.await();
    }
}
