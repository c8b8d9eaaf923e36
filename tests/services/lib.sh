# Shared helpers for tests/services/up.sh and tests/services/down.sh (sourced, not executed).
# shellcheck shell=bash disable=SC2034  # variables are used by the scripts that source this

SERVICES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SERVICES_DIR/../.." && pwd)"
STATE_DIR="$SERVICES_DIR/.state"
STATE_FILE="$STATE_DIR/services.json"
CACHE_DIR="$SERVICES_DIR/.cache"
# Every service gets its own temp dir named titan-svc-<service>-XXXXXX under this base.
TMP_BASE="${TMPDIR:-/tmp}"
TMP_BASE="${TMP_BASE%/}"

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

# Serialise up.sh / down.sh runs (fd 9 is closed in every process we spawn).
take_lock() {
  mkdir -p "$STATE_DIR"
  exec 9>"$STATE_DIR/.lock"
  if ! flock -w 600 9; then
    die "another up.sh/down.sh holds $STATE_DIR/.lock for more than 600 s"
  fi
}

# state_get <service> <key>: prints the value ("" when absent or null).
state_get() {
  [ -f "$STATE_FILE" ] || return 0
  python3 - "$STATE_FILE" "$1" "$2" <<'PY'
import json, sys
try:
    with open(sys.argv[1]) as f:
        v = json.load(f).get(sys.argv[2], {}).get(sys.argv[3])
except (OSError, ValueError, AttributeError):
    v = None
if v is None:
    v = ""
elif isinstance(v, bool):
    v = "true" if v else "false"
print(v)
PY
}

# state_put <service> <json-object>|null : replaces (or with null removes) one entry, atomically.
state_put() {
  mkdir -p "$STATE_DIR"
  python3 - "$STATE_FILE" "$1" "$2" <<'PY'
import json, os, sys
path, name, entry = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
try:
    with open(path) as f:
        state = json.load(f)
    if not isinstance(state, dict):
        state = {}
except (OSError, ValueError):
    state = {}
if entry is None:
    state.pop(name, None)
else:
    state[name] = entry
order = ["redis", "postgres", "neo4j", "s3"]
state = {k: state[k] for k in sorted(state, key=lambda k: (order.index(k) if k in order else 99, k))}
tmp = path + ".tmp"
with open(tmp, "w") as f:
    json.dump(state, f, indent=2)
    f.write("\n")
os.replace(tmp, path)
PY
}

state_services() {
  [ -f "$STATE_FILE" ] || return 0
  python3 -c 'import json,sys
try: print("\n".join(json.load(open(sys.argv[1])).keys()))
except Exception: pass' "$STATE_FILE"
}

# A temp dir we created: must be titan-svc-* directly under an absolute parent (guards rm -rf).
is_our_dir() {
  local d="$1"
  case "$d" in
    /*/titan-svc-*) ;;
    *) return 1 ;;
  esac
  case "${d##*/}" in
    */* | "" | titan-svc-) return 1 ;;
  esac
  return 0
}

# pid_alive <pid>: exists and is not a zombie (orphans are reaped by pid 1, sometimes slowly).
pid_alive() {
  local stat rest
  [ -n "${1:-}" ] && [ "$1" -gt 0 ] 2>/dev/null && kill -0 "$1" 2>/dev/null || return 1
  read -r stat <"/proc/$1/stat" 2>/dev/null || return 1
  rest="${stat##*) }"
  case "$rest" in Z* | X*) return 1 ;; esac
  return 0
}

# pid_is_ours <pid> <dir>: the process runs in <dir> (or below: postgres chdirs into its data dir).
# Every service is started with its temp dir as working directory, so a reused pid fails this.
pid_is_ours() {
  local pid="$1" dir="$2" cwd
  pid_alive "$pid" || return 1
  is_our_dir "$dir" || return 1
  cwd="$(readlink "/proc/$pid/cwd" 2>/dev/null)" || return 1
  cwd="${cwd% (deleted)}" # the dir may already be removed
  case "$cwd" in
    "$dir" | "$dir"/*) return 0 ;;
  esac
  return 1
}

# Members of process group <pgid> (our services are session/group leaders: pgid == pid).
group_members() {
  local pgid="$1" f stat rest
  for f in /proc/[0-9]*/stat; do
    read -r stat <"$f" 2>/dev/null || continue
    rest="${stat##*) }"
    # fields after "(comm) ": state ppid pgrp ...
    # shellcheck disable=SC2086 # split the stat fields on purpose
    set -- $rest
    [ "${3:-}" = "$pgid" ] && { f="${f#/proc/}"; printf '%s\n' "${f%/stat}"; }
  done
  return 0
}

# stop_services <name> <pid> <dir> [<name> <pid> <dir>]...: stops what we started, all in
# parallel, and removes the temp dirs. Never signals a process that is not ours (pid_is_ours).
stop_services() {
  local -a names=() pids=() dirs=() live=()
  local i n sig waited
  while [ $# -ge 3 ]; do names+=("$1"); pids+=("$2"); dirs+=("$3"); shift 3; done
  n=${#names[@]}
  for ((i = 0; i < n; i++)); do
    live[i]=0
    if [ -n "${pids[i]}" ] && pid_is_ours "${pids[i]}" "${dirs[i]}"; then
      sig=TERM
      # postgres: SIGINT = fast shutdown (SIGTERM would wait for clients to disconnect)
      [ "${names[i]}" = postgres ] && sig=INT
      kill -s "$sig" "${pids[i]}" 2>/dev/null || true
      live[i]=1
    elif [ -n "${pids[i]}" ] && pid_alive "${pids[i]}"; then
      log "${names[i]}: pid ${pids[i]} is alive but is not the process started in ${dirs[i]}; not touching it"
    fi
  done
  for waited in $(seq 1 300); do # up to 30 s
    local any=0
    for ((i = 0; i < n; i++)); do
      if [ "${live[i]}" = 1 ] && pid_alive "${pids[i]}"; then any=1; else live[i]=0; fi
    done
    [ $any = 0 ] && break
    sleep 0.1
  done
  for ((i = 0; i < n; i++)); do
    if [ "${live[i]}" = 1 ] && pid_alive "${pids[i]}"; then
      log "${names[i]} (pid ${pids[i]}) still running 30 s after the stop signal; sending SIGKILL to its process group"
      kill -KILL -- "-${pids[i]}" 2>/dev/null || kill -KILL "${pids[i]}" 2>/dev/null || true
      for _ in $(seq 1 50); do pid_alive "${pids[i]}" || break; sleep 0.1; done
    fi
    # Leftovers of the group (e.g. postgres backends): a pgid is not reused while members exist.
    if [ -n "${pids[i]}" ] && ! pid_alive "${pids[i]}" && [ -n "$(group_members "${pids[i]}")" ]; then
      kill -KILL -- "-${pids[i]}" 2>/dev/null || true
    fi
    if [ -n "${dirs[i]}" ] && is_our_dir "${dirs[i]}" && [ -d "${dirs[i]}" ]; then
      rm -rf -- "${dirs[i]}"
    fi
  done
}

stop_service() { stop_services "$1" "$2" "$3"; }

# Temp dirs of this checkout (marker .owner = $SERVICES_DIR) that the state file does not list.
orphan_dirs() {
  local d known
  known="$(python3 -c 'import json,sys
try: print("\n".join(str(v.get("dir") or "") for v in json.load(open(sys.argv[1])).values()))
except Exception: pass' "$STATE_FILE")"
  for d in "$TMP_BASE"/titan-svc-*; do
    [ -d "$d" ] && [ -f "$d/.owner" ] || continue
    [ "$(cat "$d/.owner" 2>/dev/null)" = "$SERVICES_DIR" ] || continue
    grep -qxF -- "$d" <<<"$known" && continue
    printf '%s\n' "$d"
  done
}

# Top-level session leaders (pid == pgid) whose working dir is <dir> or below it. (Postgres
# children call setsid() themselves, so only leaders whose parent is not a candidate count.)
leaders_in_dir() {
  local dir="$1" f pid stat rest cwd
  local -A ppid_of=()
  for f in /proc/[0-9]*; do
    pid="${f#/proc/}"
    cwd="$(readlink "$f/cwd" 2>/dev/null)" || continue
    cwd="${cwd% (deleted)}"
    case "$cwd" in "$dir" | "$dir"/*) ;; *) continue ;; esac
    read -r stat <"$f/stat" 2>/dev/null || continue
    rest="${stat##*) }"
    # shellcheck disable=SC2086 # split the stat fields on purpose
    set -- $rest
    [ "${3:-}" = "$pid" ] && ppid_of[$pid]="$2"
  done
  for pid in "${!ppid_of[@]}"; do
    [ -n "${ppid_of[${ppid_of[$pid]}]:-}" ] || printf '%s\n' "$pid"
  done
  return 0
}
