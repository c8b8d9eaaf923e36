#!/usr/bin/env bash
# Stop the test services that tests/services/up.sh started (and only those), remove their temp
# dirs and the state file. Services taken from TITAN_TEST_*_URL (external) are left alone.
set -euo pipefail

# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
cd "$REPO_ROOT"

ORPHANS=0
case "${1:-}" in
  "") ;;
  --orphans) ORPHANS=1 ;;
  -h | --help)
    echo "usage: $0 [--orphans]"
    echo "  stops the services recorded in $STATE_FILE and removes their temp dirs;"
    echo "  --orphans also stops services of this checkout whose state entry was lost"
    echo "  (temp dirs marked with .owner = $SERVICES_DIR)."
    exit 0 ;;
  *) die "unknown argument: $1 (try --help)" ;;
esac

take_lock

if [ $ORPHANS = 1 ]; then
  while IFS= read -r d; do
    [ -n "$d" ] || continue
    name="${d##*/titan-svc-}"; name="${name%-*}"
    args=()
    pids=""
    while IFS= read -r pid; do
      [ -n "$pid" ] && { args+=("$name" "$pid" "$d"); pids="$pids $pid"; }
    done < <(leaders_in_dir "$d")
    log "orphan $name: $d (pids:${pids:- none}) - stopping and removing"
    if [ ${#args[@]} -gt 0 ]; then stop_services "${args[@]}"; fi
    is_our_dir "$d" && rm -rf -- "$d"
  done < <(orphan_dirs)
fi

if [ ! -f "$STATE_FILE" ]; then
  log "nothing to stop (no $STATE_FILE)"
  exit 0
fi

rc=0
args=()
declare -A PIDS=() DIRS=()
while IFS= read -r name; do
  [ -n "$name" ] || continue
  ext="$(state_get "$name" external)"
  pid="$(state_get "$name" pid)"
  dir="$(state_get "$name" dir)"
  if [ "$ext" = "true" ]; then
    log "$name: external, nothing to stop"
    continue
  fi
  if [ -n "$dir" ] && ! is_our_dir "$dir"; then
    log "$name: refusing to touch unexpected dir '$dir'"
    rc=1
    continue
  fi
  log "$name: stopping pid ${pid:-?}, removing ${dir:-?}"
  args+=("$name" "$pid" "$dir")
  PIDS[$name]="$pid"
  DIRS[$name]="$dir"
done < <(state_services)

if [ ${#args[@]} -gt 0 ]; then
  stop_services "${args[@]}"
fi
for name in "${!PIDS[@]}"; do
  if [ -n "${PIDS[$name]}" ] && pid_is_ours "${PIDS[$name]}" "${DIRS[$name]}"; then
    log "$name: pid ${PIDS[$name]} is still running"
    rc=1
  fi
done

if [ $rc = 0 ]; then
  rm -f "$STATE_FILE" "$STATE_DIR"/*-failed.log
  log "all stopped"
fi
exit $rc
