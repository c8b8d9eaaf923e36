#!/usr/bin/env bash
# Writes compose/.env with random passwords (once), and prints the "services" block for Titan's settings.json.
set -euo pipefail
cd "$(dirname "$0")"
gen() { head -c 24 /dev/urandom | base64 | tr -d '/+=' | head -c 24; }
if [ ! -f .env ]; then
  umask 077
  {
    echo "REDIS_PASSWORD=$(gen)"
    echo "POSTGRES_PASSWORD=$(gen)"
    echo "NEO4J_PASSWORD=$(gen)"
  } > .env
  echo "wrote compose/.env (mode 0600) with new passwords"
fi
# shellcheck disable=SC1091
source .env
cat <<JSON
Put this "services" block into your Titan settings.json (see README), then restart Titan:
  "services": {
    "redis": { "url": "redis://:${REDIS_PASSWORD}@127.0.0.1:${REDIS_PORT:-6379}" },
    "postgres": { "url": "postgres://titan:${POSTGRES_PASSWORD}@127.0.0.1:${POSTGRES_PORT:-5432}/titan" },
    "neo4j": { "url": "bolt://127.0.0.1:${NEO4J_BOLT_PORT:-7687}", "user": "neo4j", "password": "${NEO4J_PASSWORD}" }
  }
JSON
