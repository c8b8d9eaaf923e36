#!/usr/bin/env bash
# Writes compose/.env with random passwords (once; adds any missing later), prepares Prometheus's token file, and
# prints the "services" block for Titan's settings.json.
set -euo pipefail
cd "$(dirname "$0")"
gen() { head -c 24 /dev/urandom | base64 | tr -d '/+=' | head -c 24; }
if [ ! -f .env ]; then
  umask 077
  {
    echo "REDIS_PASSWORD=$(gen)"
    echo "POSTGRES_PASSWORD=$(gen)"
    echo "NEO4J_PASSWORD=$(gen)"
    echo "GRAFANA_PASSWORD=$(gen)"
  } > .env
  echo "wrote compose/.env (mode 0600) with new passwords"
fi
# An .env written before Grafana joined the stack gets its password added.
if ! grep -q '^GRAFANA_PASSWORD=' .env; then
  echo "GRAFANA_PASSWORD=$(gen)" >> .env
  echo "added GRAFANA_PASSWORD to compose/.env"
fi
# Prometheus's Titan token (see prometheus/prometheus.yml): a folder only you can enter, and an empty placeholder so
# Docker mounts a file rather than creating a directory; the file is readable by the container's "nobody" user.
mkdir -p prometheus/secrets
chmod 700 prometheus/secrets
[ -f prometheus/secrets/titan.token ] || (umask 022 && : > prometheus/secrets/titan.token)
# shellcheck disable=SC1091
source .env
cat <<JSON
Put this "services" block into your Titan settings.json (see README), then restart Titan:
  "services": {
    "redis": { "url": "redis://:${REDIS_PASSWORD}@127.0.0.1:${REDIS_PORT:-6379}" },
    "postgres": { "url": "postgres://titan:${POSTGRES_PASSWORD}@127.0.0.1:${POSTGRES_PORT:-5432}/titan" },
    "neo4j": { "url": "bolt://127.0.0.1:${NEO4J_BOLT_PORT:-7687}", "user": "neo4j", "password": "${NEO4J_PASSWORD}" }
  }
Grafana: http://127.0.0.1:${GRAFANA_PORT:-3000} (user admin, password GRAFANA_PASSWORD in compose/.env).
Prometheus: put a Titan token into compose/prometheus/secrets/titan.token (see compose/prometheus/prometheus.yml).
JSON
