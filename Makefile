# Titan — the two commands: `make run` (the app on embedded engines) and `make test` (everything, on real services).
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Node 22+ is required. The system Node is used when new enough; otherwise Node 24 comes from the npm
# registry's `node` package into .tools/ (git-ignored) — no other download.
NODE_MIN_MAJOR := 22
NODE_PKG := node@24
SYS_NODE_MAJOR := $(shell node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
LOCAL_NODE_DIR := $(CURDIR)/.tools/node/node_modules/node/bin
ifeq ($(shell [ "$(SYS_NODE_MAJOR)" -ge "$(NODE_MIN_MAJOR)" ] && echo yes),yes)
NODE_DEP :=
else
NODE_DEP := $(LOCAL_NODE_DIR)/node
export PATH := $(LOCAL_NODE_DIR):$(PATH)
endif
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
export SCARF_ANALYTICS := false
export NODE_OPTIONS := --disable-warning=ExperimentalWarning

.PHONY: help run start web deps test test-only lint format typecheck services services-down bench bench-bus bench-memory bench-api bench-chat-search bench-files bench-ui bench-executable bench-load bench-large build build-all package clean hooks

help:
	@echo "make run        start Titan on the embedded engines and print its URL"
	@echo "make test       install and start Redis, Postgres+pgvector, Neo4j; lint, typecheck, all tests with coverage"
	@echo "make services   start the test services (tests/services/up.sh); make services-down stops them"
	@echo "make bench      run the benchmarks in bench/ (tables with a baseline from the same run)"
	@echo "make bench-bus  the bus vs raw ioredis vs BullMQ; make bench-memory: memory insert and query"
	@echo "make bench-chat-search  chat search as you type at 100,000 messages (Postgres) and 20,000 (PGlite)"
	@echo "make bench-files  files: ingestion pages/s and MB/s, search p95, Downloads-to-searchable latency"
	@echo "make bench-ui   chat UI in Chromium: a 100,000-message conversation (first render, scroll, heap), bundle gzip"
	@echo "make bench-load  60 s of mixed traffic at a sustained rate: p50/p99 per operation, errors, daemon RSS trend"
	@echo "make bench-large  100,000 messages + memories in one data dir: start-up, memory/chat search, UI first render"
	@echo "make build      typecheck, then the single executable for this platform in dist/ (make build-all: every platform it can)"
	@echo "make package    the Linux tarball and .deb (and an AppImage when appimagetool is installed) in dist/"
	@echo "make bench-executable  the executable's size and cold start to a healthy /api/health against node daemon/main.ts"

$(LOCAL_NODE_DIR)/node:
	@echo "System Node is $(SYS_NODE_MAJOR).x; installing $(NODE_PKG) from the npm registry into .tools/node"
	@mkdir -p .tools/node
	@npm install --prefix .tools/node --no-save --no-audit --no-fund --loglevel=error $(NODE_PKG) >/dev/null
	@$(LOCAL_NODE_DIR)/node --version

# Reinstall only when package-lock.json changed since the last install.
node_modules/.package-lock.json: package-lock.json $(NODE_DEP)
	@echo "Installing dependencies with $$(node --version)"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps: node_modules/.package-lock.json

# The web UI, rebuilt only when its sources changed; the daemon serves web/dist at /.
WEB_SRC := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.ts web/uno.config.ts
web/dist/index.html: $(WEB_SRC) node_modules/.package-lock.json
	@echo "Building the web UI"
	@cd web && vite build --logLevel warn

web: deps web/dist/index.html

run start: deps web
	@node daemon/main.ts

lint: deps
	@biome check .

format: deps
	@biome check --write .

typecheck: deps
	@tsc --noEmit -p tsconfig.json && tsc --noEmit -p web/tsconfig.json

hooks:
	@git config core.hooksPath .githooks && echo "pre-commit hook installed (.githooks/pre-commit)"

services:
	@bash tests/services/up.sh

services-down:
	@bash tests/services/down.sh

# The whole suite: services up, static checks, every test with coverage, services down; ends with "N passed, N failed".
test: deps
	@bash tests/run.sh

bench: deps services web
	@for f in bench/*.bench.ts; do echo "== $$f"; node --expose-gc $$f || exit 1; done

# The bus against raw ioredis and BullMQ on one Redis (about 2.5 minutes).
bench-bus: deps services
	@node --expose-gc bench/bus.bench.ts

# 100,000 memories into Postgres+pgvector and 20,000 into PGlite (several minutes).
bench-memory: deps services
	@node bench/memory.bench.ts

# Chat search as you type over 100,000 messages in Postgres and 20,000 in PGlite (a few minutes).
bench-chat-search: deps services
	@node bench/chatSearch.bench.ts

bench-api: deps services
	@node bench/api.bench.ts

# Files on the embedded engines and on Postgres + Redis + Neo4j: ingestion of the fixture set and a 500-file tree,
# search p50/p95, watcher latency (about 10 minutes, most of it PGlite inserting chunks).
bench-files: deps services
	@node bench/files.bench.ts

# The chat UI in Chromium on the embedded engines: 100,000 messages opened, paged to the top, scrolled back (~2 min).
bench-ui: deps web
	@node bench/ui.bench.ts

# The daemon as its own process under mixed traffic (cache hits, memory queries, listings, bus publishes) at a constant
# rate: a ramp, then 60 s held twice, on the embedded engines and on Redis + Postgres + Neo4j (about 7 minutes).
bench-load: deps services
	@node bench/load.bench.ts

# 100,000 messages and 20,000 (PGlite) / 100,000 (Postgres) memories in one data dir; the PGlite one is built once
# into bench/.cache/ (about 8 minutes, its HNSW index), then reused (a rerun takes about 3 minutes).
bench-large: deps services web
	@node bench/largeHistory.bench.ts

# The daemon bundled with rolldown and injected with its assets into Node (single executable applications): dist/titan.
build: deps typecheck web
	@node installer/build.ts

# Also macOS and Windows, when the npm registry has their Node binaries at this Node's version (else it says how).
build-all: deps typecheck web
	@node installer/build.ts --all

package: build
	@node installer/package.ts

# Cold starts of the executable and of node daemon/main.ts, to a healthy /api/health (about a minute).
bench-executable: build
	@node bench/executable.bench.ts

clean:
	rm -rf node_modules .tools coverage reports
