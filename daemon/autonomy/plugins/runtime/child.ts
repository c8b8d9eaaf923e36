// The plugin process: loads one plugin module inside Node's permission model, answers the daemon's tool calls and
// events, and forwards the plugin's file, publish and notify requests to the daemon, which checks them again.
import { pathToFileURL } from 'node:url';
import * as v from 'valibot';
import { guardNetwork } from './network.ts';
import { ChildConfig, type FromChild, type HostOp, ToChild } from './protocol.ts';

type Fn = (input: unknown, ctx: PluginContext) => unknown;
interface PluginModule {
  tools?: Record<string, Fn>;
  events?: Record<string, Fn>;
  start?: (ctx: PluginContext) => unknown;
}

export interface PluginContext {
  name: string;
  log: { info(msg: string): void; warn(msg: string): void; error(msg: string): void };
  files: {
    read(path: string): Promise<{ path: string; text: string; size: number }>;
    list(path: string): Promise<{ path: string; entries: { name: string; kind: string; size: number | null }[] }>;
    write(path: string, content: string): Promise<{ path: string; bytes: number }>;
  };
  /** Publishes a plugin.v1 event (the daemon sets the source to this plugin). */
  publish(type: string, payload: Record<string, unknown>): Promise<{ event_id: string }>;
  notify(input: { title: string; body: string; level?: 'info' | 'warn' | 'error' }): Promise<unknown>;
}

// The config is the last argument: `node child.ts <config>` from the sources, `titan __plugin-host <runtime> <config>`
// in the single executable, where Node's options came in NODE_OPTIONS — not the plugin's to see.
const config = v.parse(ChildConfig, JSON.parse(process.argv.at(-1) ?? '{}'));
delete process.env.NODE_OPTIONS;
const send = (m: FromChild) => {
  if (process.connected) process.send?.(m);
};
const failure = (err: unknown) => ({
  code: 'plugin_tool_failed',
  message: (err instanceof Error ? err.message : String(err)).slice(0, 4000) || 'the plugin failed without a message',
});
const log = (level: 'debug' | 'info' | 'warn' | 'error', msg: string) =>
  send({ t: 'log', level, msg: msg.slice(0, 4000) });

let nextId = 0;
const waiting = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
const host = (op: HostOp, args: Record<string, unknown>) =>
  new Promise<unknown>((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve, reject });
    send({ t: 'host', id, op, args });
  });

const ctx: PluginContext = {
  name: config.name,
  log: {
    info: (msg) => log('info', String(msg)),
    warn: (msg) => log('warn', String(msg)),
    error: (msg) => log('error', String(msg)),
  },
  files: {
    read: (path) => host('files.read', { path }) as ReturnType<PluginContext['files']['read']>,
    list: (path) => host('files.list', { path }) as ReturnType<PluginContext['files']['list']>,
    write: (path, content) => host('files.write', { path, content }) as ReturnType<PluginContext['files']['write']>,
  },
  publish: (type, payload) => host('publish', { type, payload }) as Promise<{ event_id: string }>,
  notify: (input) => host('notify', { ...input }),
};

// A plugin's stray rejection is its own problem: reported, never fatal. An uncaught exception leaves the plugin in an
// unknown state, so the process ends and the daemon restarts it.
process.on('unhandledRejection', (err) => log('warn', `unhandled rejection: ${failure(err).message}`));
process.on('uncaughtException', (err) => {
  log('error', `uncaught exception: ${failure(err).message}`);
  process.exitCode = 1;
  setImmediate(() => process.exit(1));
});
// The daemon went away: nothing can reach this process any more.
process.on('disconnect', () => process.exit(0));

async function run(handler: Fn | undefined, what: string, input: unknown, id: number) {
  try {
    if (typeof handler !== 'function') throw new Error(`${config.name} has no ${what}`);
    const value = await handler(input, ctx);
    send({ t: 'done', id, ok: true, value: value === undefined ? null : value });
  } catch (err) {
    send({ t: 'done', id, ok: false, error: failure(err) });
  }
}

async function main() {
  // Never a plugin outside the sandbox, whatever started this process.
  if (!process.permission) throw new Error('the permission model is not active in this process');
  guardNetwork(config.name, config.network);
  const loaded = (await import(pathToFileURL(config.main).href)) as { default?: PluginModule } & PluginModule;
  const plugin: PluginModule = loaded.default ?? loaded;
  process.on('message', (raw) => {
    const parsed = v.safeParse(ToChild, raw);
    if (!parsed.success) return log('error', 'the runtime got a message it does not understand');
    const m = parsed.output;
    if (m.t === 'call') void run(plugin.tools?.[m.tool], `tool "${m.tool}"`, m.args, m.id);
    else if (m.t === 'event') void run(plugin.events?.[m.topic], `handler for ${m.topic}`, m.event, m.id);
    else {
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.ok) w?.resolve(m.value);
      else w?.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
    }
  });
  await plugin.start?.(ctx);
  send({ t: 'ready', tools: Object.keys(plugin.tools ?? {}), topics: Object.keys(plugin.events ?? {}) });
}

main().catch((err) => {
  log('error', `the plugin could not start: ${failure(err).message}`);
  setImmediate(() => process.exit(1));
});
