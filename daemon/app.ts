// Wires Titan together: settings → logs → storage engines → auth → HTTP routes. One call builds a runnable daemon.
import { join } from 'node:path';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { Registry } from 'prom-client';
import type { Bus } from '../bus/bus.ts';
import { createShortTermCache } from '../memory/cache/index.ts';
import { createEmbedder } from '../memory/embedders/index.ts';
import { extractorFor } from '../memory/extractorFor.ts';
import { createGraphStore } from '../memory/graph/index.ts';
import { MemoryService } from '../memory/service.ts';
import pkg from '../package.json' with { type: 'json' };
import { LoginLimiter } from './auth/loginLimiter.ts';
import { PasswordFile } from './auth/password.ts';
import { requireAuth } from './auth/requireAuth.ts';
import { TokenIssuer } from './auth/tokens.ts';
import { type AutonomyDeps, closeAutonomy, type Feature, openAutonomy } from './autonomy/index.ts';
import { Approvals } from './chat/approvals.ts';
import { createModelClient } from './chat/model.ts';
import { ChatService } from './chat/service.ts';
import { ChatStore } from './chat/store.ts';
import { ToolRegistry } from './chat/toolRegistry.ts';
import { chatTools } from './chat/tools/index.ts';
import { secretValues } from './config/secrets.ts';
import { SettingsStore } from './config/settingsStore.ts';
import { startBusGrpcIfEnabled } from './events/busGrpc.ts';
import { busOptionsOf, type OpenedBus, openBus } from './events/openBus.ts';
import { chunkDocument, extractBytes } from './files/extract/index.ts';
import { FilesService } from './files/service.ts';
import { authRoutes } from './http/authRoutes.ts';
import { busRoutes } from './http/busRoutes.ts';
import { chatHistoryRoutes } from './http/chatHistoryRoutes.ts';
import { chatRoutes } from './http/chatRoutes.ts';
import { docsRoutes } from './http/docsRoutes.ts';
import { ApiError, errorBody } from './http/errors.ts';
import { filesRoutes } from './http/filesRoutes.ts';
import { healthRoutes } from './http/healthRoutes.ts';
import { logsRoutes } from './http/logsRoutes.ts';
import { memoryRoutes } from './http/memoryRoutes.ts';
import { noRoute } from './http/methodNotAllowed.ts';
import { metricsRoutes } from './http/metricsRoutes.ts';
import { allowedHosts, originGuard } from './http/originGuard.ts';
import { ApiRoutes } from './http/routes.ts';
import { servicesRoutes } from './http/servicesRoutes.ts';
import { settingsRoutes } from './http/settingsRoutes.ts';
import { settingsSchemaRoute } from './http/settingsSchemaRoute.ts';
import { toolsRoutes } from './http/toolsRoutes.ts';
import { updateRoutes } from './http/updateRoutes.ts';
import { webRoutes } from './http/webRoutes.ts';
import { Logs } from './logs/logs.ts';
import { type Engines, openEngines } from './storage/engines.ts';
import { startTracing, type Tracing } from './telemetry.ts';

export const VERSION: string = pkg.version;
/** Longer URLs are refused with 414 (search queries and paths fit easily). */
const MAX_URL_CHARS = 32 * 1024;

export interface Titan {
  settings: SettingsStore;
  logs: Logs;
  engines: Engines;
  bus: Bus;
  memory: MemoryService;
  files: FilesService;
  chat: ChatService;
  /** Built-in tools plus those plugins and MCP servers add. */
  tools: ToolRegistry;
  /** The autonomy features (scheduler, goals, plugins, MCP, triggers…), opened after chat. */
  autonomy: Feature[];
  /** The port of the bus gRPC service (settings bus.grpc; port 0 picks one), or null when it is not running. */
  grpcPort: number | null;
  metrics: Registry;
  tracing: Tracing | null;
  app: Hono;
  api: ApiRoutes;
  /** Set by the server once it listens, so Host/Origin checks know the real port (port 0 in tests). */
  setListeningPort(port: number): void;
  close(): Promise<void>;
}

export interface TitanOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * How often FilesService rescans by itself, in ms; default 0 (off): the scheduler's rescan-files and housekeeping
   * jobs do it on their cron times. One rescan still runs at start.
   */
  rescanEveryMs?: number;
  /** The clock of the scheduler and other autonomy features (tests drive it); Date.now by default. */
  now?: () => number;
  /** Echo warnings to stderr (the CLI does; tests do not). */
  console?: boolean;
}

export async function createTitan(opts: TitanOptions = {}): Promise<Titan> {
  const settings = new SettingsStore(opts.env ?? process.env);
  const logs = new Logs({
    dir: join(settings.dir, 'logs'),
    level: settings.get().log_level,
    capBytes: settings.get().limits.logs_mb * 1024 * 1024,
    secrets: () => secretValues(settings.get()),
    console: opts.console ?? false,
  });
  settings.onChange((next) => logs.setLevel(next.log_level));

  let engines: Engines;
  try {
    engines = await openEngines(settings.get(), settings.dir);
  } catch (err) {
    logs.app.error({ err: (err as Error).message }, 'storage could not be opened');
    logs.close();
    throw err;
  }

  const tracing = startTracing(settings.get().telemetry.otlp_endpoint, VERSION);
  const metrics = new Registry();
  let bus: Bus;
  let snapshots: OpenedBus['snapshots'];
  try {
    ({ bus, snapshots } = await openBus(settings.get(), engines, logs, metrics));
  } catch (err) {
    logs.app.error({ err: (err as Error).message }, 'the bus could not be opened');
    await engines.close();
    logs.close();
    throw err;
  }
  bus.onDeadLetter((letter) => logs.audit.warn({ event: 'bus.dlq', ...letter }, 'event dead-lettered'));
  settings.onChange((next) => bus.configure(busOptionsOf(next)));

  // After the bus: the memory service reacts to chat.v1 in its own consumer group, off the reply path.
  let memory: MemoryService;
  try {
    memory = await MemoryService.open({
      sql: engines.sql,
      embedder: createEmbedder(settings.get(), engines.sql),
      graph: createGraphStore(engines),
      cap: () => settings.get().limits.memory_items,
      graphCap: () => settings.get().limits.graph_nodes,
      // The scheduler's memory-gc job runs GC on its cron time.
      gcIntervalMs: 0,
      // The model-backed extractor while a chat model is configured (read per message), else the heuristic one.
      extract: extractorFor(
        () => settings.get().model,
        (err) => logs.app.warn({ err: err.message, code: err.code }, 'memory extraction fell back to the heuristic'),
      ),
      onError: (err, what) => logs.app.error({ err: (err as Error).message }, `${what} failed`),
    });
    memory.subscribeInBackground(bus);
  } catch (err) {
    logs.app.error({ err: (err as Error).message }, 'the memory service could not be opened');
    await bus.close();
    await engines.close();
    logs.close();
    throw err;
  }

  // Files after memory: ingestion writes document chunks through the memory service; fs.v1 drives it.
  const files = new FilesService({
    folders: settings.get().folders.allowed,
    dataDir: settings.dir,
    memory,
    bus,
    extract: (data, name) => extractBytes(data, name, { maxBytes: settings.get().limits.upload_mb * 1024 * 1024 }),
    chunk: (pages) => chunkDocument(pages),
    trashDays: () => settings.get().folders.trash_days,
    watch: settings.get().folders.watch,
    env: opts.env ?? process.env,
    audit: (record) => logs.audit[record.ok ? 'info' : 'warn'](record, record.event),
    onError: (err, what) => logs.app.error({ err: (err as Error).message }, `${what} failed`),
  });
  for (const root of files.roots().filter((r) => r.problem)) {
    logs.app.warn({ folder: root.path, problem: root.problem }, 'an allowed folder cannot be used');
  }
  await files.start({ rescanEveryMs: opts.rescanEveryMs ?? 0 });

  // Chat last: it uses memory, files and the bus; its answers never wait for the memory group.
  const approvals = new Approvals({ policies: () => settings.get().chat.tools });
  const cache = createShortTermCache(engines, {
    max: settings.get().limits.cache_messages,
    ttlSeconds: settings.get().limits.cache_ttl_s,
  });
  const chatStore = new ChatStore(engines.sql);
  const tools = new ToolRegistry(chatTools());
  const model = createModelClient(() => settings.get().model);
  const chat = new ChatService({
    store: chatStore,
    model,
    tools: () => tools.list(),
    approvals,
    files,
    memory,
    bus,
    cache,
    settings: () => settings.get(),
    audit: (record) => logs.audit.info(record, 'chat tool call'),
    onError: (err, what) => logs.app.error({ err: (err as Error).message }, `${what} failed`),
  });

  // Autonomy after chat: its features use chat's tools, model and store, and each other through deps.services.
  const autonomyDeps: AutonomyDeps = {
    settings,
    logs,
    engines,
    bus,
    memory,
    files,
    chat,
    chatStore,
    model,
    approvals,
    tools,
    snapshots,
    version: VERSION,
    env: opts.env ?? process.env,
    now: opts.now ?? Date.now,
    services: {},
  };
  // What is open by now, closed in reverse: by close(), and when autonomy fails to start (snapshots included).
  const closeCore = async () => {
    await snapshots?.stop();
    await chat.close();
    await cache.close();
    await files.close();
    await memory.close();
    await bus.close();
    await engines.close();
  };
  let autonomy: Feature[];
  try {
    autonomy = await openAutonomy(autonomyDeps);
  } catch (err) {
    logs.app.error({ err: (err as Error).message }, 'autonomy could not be started');
    await closeCore();
    logs.close();
    throw err;
  }

  const passwords = new PasswordFile(settings.dir);
  const tokens = new TokenIssuer(settings.dir, () => settings.get().auth.token_ttl_h);
  const grpc = await startBusGrpcIfEnabled(settings.get(), bus, tokens, logs);
  const limiter = new LoginLimiter(() => settings.get().auth.login_attempts_per_minute);

  let port = settings.get().server.port;
  const app = new Hono();
  const api = new ApiRoutes(app);

  app.onError((err, c) => {
    if (err instanceof ApiError) return c.json(errorBody(err.code, err.message), err.status, err.headers);
    if (err instanceof HTTPException) {
      return c.json(errorBody('http_error', err.message || 'the request could not be handled'), err.status);
    }
    // The disk is full (or over quota): the writers have removed their temp files; say so rather than a 500.
    const fsCode = (err as { code?: unknown }).code;
    if (fsCode === 'ENOSPC' || fsCode === 'EDQUOT') {
      logs.app.warn({ err: err.message, path: c.req.path }, 'request refused: no space left on the disk');
      return c.json(
        errorBody(
          'disk_full',
          'there is no space left on the disk (or the quota is used up): free some space and try again',
        ),
        507,
      );
    }
    // A storage service that is down (or cut off): 503, never a 500; the clients retry by themselves.
    const outage = engines.outage(err);
    if (outage) {
      logs.app.warn({ err: (err as Error).message, path: c.req.path }, 'request refused: a service is unreachable');
      return c.json(errorBody('service_unavailable', outage), 503);
    }
    logs.app.error({ err: { message: err.message, stack: err.stack }, path: c.req.path }, 'request failed');
    return c.json(errorBody('internal', 'something went wrong inside Titan; the log has the details'), 500);
  });
  app.notFound(noRoute(app));

  app.use(
    '*',
    originGuard(() => allowedHosts(settings.get().server.host, port)),
  );
  app.use('*', async function urlLengthLimit(c, next) {
    if (c.req.url.length <= MAX_URL_CHARS) return next();
    return c.json(
      errorBody('uri_too_long', `the URL is over ${MAX_URL_CHARS / 1024} KB: send long input in a POST body`),
      414,
    );
  });
  app.use('*', async function securityHeaders(c, next) {
    await next();
    c.header('x-content-type-options', 'nosniff');
    c.header('x-frame-options', 'DENY');
    c.header('referrer-policy', 'no-referrer');
  });
  app.use('/api/*', async function apiBodyLimit(c, next) {
    // A memory backup carries a vector per memory: it may be as large as an upload (each file is capped again).
    const maxSize =
      c.req.path === '/api/memory/import' ||
      c.req.path === '/api/files/upload' ||
      c.req.path === '/api/chat/attachments'
        ? settings.get().limits.upload_mb * 1024 * 1024
        : settings.get().limits.body_kb * 1024;
    return bodyLimit({
      maxSize,
      onError: (ctx) =>
        ctx.json(
          errorBody('body_too_large', `the request body is over ${Math.round(maxSize / 1024)} KB: send less`),
          413,
        ),
    })(c, next);
  });
  const auth = requireAuth(tokens, (m, p) => api.isPublic(m, p));
  app.use('/api/*', auth);

  healthRoutes(api, {
    engines,
    version: VERSION,
    setupRequired: () => !passwords.isSet(),
    folders: () => files.roots(),
  });
  authRoutes(api, { passwords, tokens, limiter, logs });
  settingsRoutes(api, { store: settings, logs });
  settingsSchemaRoute(api);
  updateRoutes(api, { settings, version: VERSION });
  servicesRoutes(api, { settings, engines, logs, env: opts.env ?? process.env });
  logsRoutes(api, app, { logs });
  busRoutes(api, app, { bus, settings, logs });
  memoryRoutes(api, { memory, logs });
  filesRoutes(api, { files, uploadLimit: () => settings.get().limits.upload_mb * 1024 * 1024 });
  chatHistoryRoutes(api, { store: chatStore });
  toolsRoutes(api, { tools, approvals });
  chatRoutes(api, {
    chat,
    approvals,
    files,
    attachmentsFolder: () => settings.get().chat.attachments_folder,
    uploadLimit: () => settings.get().limits.upload_mb * 1024 * 1024,
  });
  for (const feature of autonomy) feature.routes?.(api, app, auth);
  metricsRoutes(app, metrics, auth);
  docsRoutes(app, api, { version: VERSION });
  webRoutes(app, { version: VERSION });

  for (const feature of autonomy) await feature.start?.();

  logs.app.info(
    { engines: Object.fromEntries(Object.entries(await engines.health()).map(([k, s]) => [k, s.engine])) },
    'titan ready',
  );

  return {
    settings,
    logs,
    engines,
    bus,
    memory,
    files,
    chat,
    tools,
    autonomy,
    grpcPort: grpc?.port ?? null,
    metrics,
    tracing,
    app,
    api,
    setListeningPort(p: number) {
      port = p;
    },
    async close() {
      // Remote subscribers first, so their unacked events are left pending before the bus closes.
      await grpc?.stop();
      await closeAutonomy(autonomy, (err, what) => logs.app.error({ err: (err as Error).message }, `${what} failed`));
      await closeCore();
      await tracing?.shutdown();
      logs.app.info('titan stopped');
      logs.close();
    },
  };
}
