// Starts and stops native Redis topologies for tests — standalone, TLS, Sentinel (master, replica, three sentinels)
// and a three-master Cluster — each in its own temp dir on free 127.0.0.1 ports, killed only by pid.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  HOST,
  launch,
  makeTempDir,
  type RedisServer,
  redisCommand,
  removeTempDir,
  run,
  type ServerProcess,
  startRedis,
  waitFor,
} from './redisServer.ts';

export {
  type RedisServer,
  redisCommand,
  type StartRedisOptions,
  startRedis,
  startTlsRedis,
  type TlsRedisServer,
  waitFor,
} from './redisServer.ts';

export interface SentinelSet {
  /** The monitored master's name. */
  readonly name: string;
  /** "127.0.0.1:port" of the three sentinels. */
  readonly sentinels: string[];
  /** The current master and replica as this helper last saw them (failover() swaps them). */
  master: RedisServer;
  replica: RedisServer;
  /** SENTINEL FAILOVER, then waits until every sentinel reports the old replica as master. */
  failover(): Promise<void>;
  /** SIGKILLs the master process (the sentinels fail over after down-after-milliseconds). */
  killMaster(): Promise<void>;
  /** The master port the sentinels agree on, or undefined while they disagree. */
  agreedMasterPort(): Promise<number | undefined>;
  stop(): Promise<void>;
}

const SENTINEL_NAME = 'titanmaster';

/** Field arrays of SENTINEL REPLICAS/SENTINELS as objects. */
const fields = (row: unknown): Record<string, string> => {
  const a = row as string[];
  const o: Record<string, string> = {};
  for (let i = 0; i + 1 < a.length; i += 2) o[a[i] as string] = a[i + 1] as string;
  return o;
};

function sentinelConf(dir: string, port: number, masterPort: number): string {
  return [
    `port ${port}`,
    `bind ${HOST}`,
    `dir ${dir}`,
    `logfile ${join(dir, 'sentinel.log')}`,
    'daemonize no',
    'sentinel resolve-hostnames no',
    `sentinel monitor ${SENTINEL_NAME} ${HOST} ${masterPort} 2`,
    `sentinel down-after-milliseconds ${SENTINEL_NAME} 1000`,
    `sentinel failover-timeout ${SENTINEL_NAME} 5000`,
    '',
  ].join('\n');
}

/** Master + replica + three sentinels (quorum 2), ready when every sentinel sees the master, replica and its peers. */
export async function startSentinelSet(): Promise<SentinelSet> {
  const base = makeTempDir('sentinel');
  const procs: ServerProcess[] = [];
  const servers: RedisServer[] = [];
  const stop = async () => {
    await Promise.all([...procs.map((p) => p.stop()), ...servers.map((s) => s.stop())]);
    removeTempDir(base);
  };
  try {
    // Redis waits 5 s by default before a diskless full sync, for more replicas to join it: here none will.
    const noDelay = ['--repl-diskless-sync-delay', '0'];
    const master = await startRedis({ dir: join(base, 'master'), args: noDelay });
    servers.push(master);
    const replicaOf = ['--replicaof', HOST, String(master.port)];
    const replica = await startRedis({ dir: join(base, 'replica'), args: [...noDelay, ...replicaOf] });
    servers.push(replica);
    // Started only once the replica is linked, so each sentinel's first INFO of the master already lists it.
    await waitFor('the replica to sync', async () =>
      String(await redisCommand(replica.port, ['INFO', 'replication'])).includes('master_link_status:up'),
    );
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      const dir = join(base, `sentinel${i}`);
      mkdirSync(dir);
      const conf = join(dir, 'sentinel.conf'); // sentinels rewrite their config file: one writable file each
      const started = await launch(
        (port) => {
          writeFileSync(conf, sentinelConf(dir, port, master.port));
          return [conf, '--sentinel'];
        },
        join(dir, 'sentinel.log'),
      );
      procs.push(started.proc);
      ports.push(started.port);
    }
    const ask = (port: number, ...args: string[]) => redisCommand(port, ['SENTINEL', ...args]);
    const agreedMasterPort = async () => {
      const seen = await Promise.all(ports.map((p) => ask(p, 'get-master-addr-by-name', SENTINEL_NAME)));
      const masterPorts = new Set(seen.map((r) => Number((r as string[] | null)?.[1])));
      return masterPorts.size === 1 ? [...masterPorts][0] : undefined;
    };
    const sees = async (port: number, replicaPort: number) => {
      const replicas = ((await ask(port, 'replicas', SENTINEL_NAME)) as unknown[]).map(fields);
      const peers = (await ask(port, 'sentinels', SENTINEL_NAME)) as unknown[];
      return replicas.some((r) => Number(r.port) === replicaPort && r.flags === 'slave') && peers.length === 2;
    };
    await waitFor('the sentinels to agree on the master, replica and each other', async () => {
      if ((await agreedMasterPort()) !== master.port) return false;
      return (await Promise.all(ports.map((p) => sees(p, replica.port)))).every(Boolean);
    });
    const set: SentinelSet = {
      name: SENTINEL_NAME,
      sentinels: ports.map((p) => `${HOST}:${p}`),
      master,
      replica,
      agreedMasterPort,
      async failover() {
        const target = set.replica;
        await waitFor('SENTINEL FAILOVER to be accepted', () =>
          ask(ports[0] as number, 'failover', SENTINEL_NAME).then(
            () => true,
            (err: Error) => (/NOGOODSLAVE|INPROG/.test(err.message) ? false : Promise.reject(err)),
          ),
        );
        await waitFor(
          'the sentinels to report the old replica as master',
          async () => {
            return (await agreedMasterPort()) === target.port;
          },
          30_000,
        );
        [set.master, set.replica] = [target, set.master];
      },
      killMaster: () => set.master.kill('SIGKILL'),
      stop,
    };
    return set;
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface RedisClusterSet {
  /** "127.0.0.1:port" of the three masters. */
  readonly nodes: string[];
  readonly servers: RedisServer[];
  stop(): Promise<void>;
}

/** Three masters, no replicas, all 16384 slots assigned by `redis-cli --cluster create`; ready at cluster_state:ok. */
export async function startCluster(): Promise<RedisClusterSet> {
  const base = makeTempDir('cluster');
  const servers: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    removeTempDir(base);
  };
  try {
    const args = ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'];
    for (let i = 0; i < 3; i++) servers.push(await startRedis({ dir: join(base, `node${i}`), args, busPort: true }));
    const nodes = servers.map((s) => `${HOST}:${s.port}`);
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'], {
      timeout: 30_000,
    });
    await waitFor('cluster_state:ok on every node', async () => {
      const infos = await Promise.all(servers.map((s) => redisCommand(s.port, ['CLUSTER', 'INFO'])));
      return infos.every((i) => String(i).includes('cluster_state:ok'));
    });
    return { nodes, servers, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
