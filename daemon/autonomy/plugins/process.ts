// One plugin process: spawned under Node's permission model with a heap cap and an empty environment; calls and events
// carry a deadline, and a process that misses one is killed (a hung plugin cannot be trusted to recover).
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import { assetDir, isExecutable, PLUGIN_RUNTIME_FILE } from '../../assets.ts';
import { PLUGIN_HOST_COMMAND } from './hostCommand.ts';
import { PluginError } from './pluginError.ts';
import { FromChild, type HostOp, type ToChild } from './runtime/protocol.ts';

/**
 * How a plugin process starts and the only code outside its own folder it may read. From the sources: runtime/child.ts
 * and valibot, which it imports. In the single executable: `titan __plugin-host <runtime> <config>` and the runtime
 * bundled into one file, unpacked with the other assets (never the whole cache folder). Null when it is missing.
 */
export const runtimePaths = (() => {
  let found: PluginRuntime | null | undefined;
  return () => {
    if (found === undefined) found = locateRuntime();
    return found;
  };
})();

interface PluginRuntime {
  /** fork's module argument and the arguments before the config. */
  module: string;
  args: string[];
  /** Files and folders the process may read besides the plugin's own folder. */
  read: string[];
  /**
   * A single executable passes every command-line argument to its script, so Node's options go in NODE_OPTIONS
   * instead (the build keeps `execArgvExtension: "env"`).
   */
  optionsInEnv: boolean;
}

function locateRuntime(): PluginRuntime | null {
  try {
    if (isExecutable()) {
      const file = join(assetDir('plugin-runtime'), PLUGIN_RUNTIME_FILE);
      return existsSync(file) ? { module: PLUGIN_HOST_COMMAND, args: [file], read: [file], optionsInEnv: true } : null;
    }
    const dir = join(dirname(fileURLToPath(import.meta.url)), 'runtime');
    const child = join(dir, 'child.ts');
    const valibot = dirname(dirname(fileURLToPath(import.meta.resolve('valibot'))));
    return existsSync(child) ? { module: child, args: [], read: [dir, valibot], optionsInEnv: false } : null;
  } catch {
    return null;
  }
}

/** NODE_OPTIONS quotes a value with spaces in double quotes, escaping `"` and `\` with a backslash. */
const nodeOptions = (flags: string[]) => flags.map((f) => `"${f.replace(/["\\]/g, '\\$&')}"`).join(' ');

const OOM = /heap out of memory|Reached heap limit|Allocation failed/i;
const STDERR_TAIL = 4000;

export interface PluginProcessOptions {
  name: string;
  dir: string;
  main: string;
  network: string[];
  memoryMb: number;
  startTimeoutMs: number;
  onHost(op: HostOp, args: Record<string, unknown>): Promise<unknown>;
  onLog(level: 'debug' | 'info' | 'warn' | 'error', msg: string): void;
  /** Called once when the process is gone, with why in words a user can read. */
  onExit(reason: string): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class PluginProcess {
  /** Handlers the plugin exports, known once it is ready. */
  tools: string[] = [];
  topics: string[] = [];
  private readonly child: ChildProcess;
  private readonly opts: PluginProcessOptions;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private stderr = '';
  private lastError = '';
  private killReason: string | null = null;
  private gone = false;
  readonly ready: Promise<void>;

  constructor(opts: PluginProcessOptions) {
    this.opts = opts;
    const runtime = runtimePaths();
    if (!runtime) throw new PluginError('plugin_unavailable', 'the plugin runtime is not installed with this build');
    const flags = [
      '--permission',
      ...[...runtime.read, opts.dir].map((path) => `--allow-fs-read=${path}`),
      `--max-old-space-size=${opts.memoryMb}`,
      '--disable-warning=SecurityWarning',
      '--disable-warning=ExperimentalWarning',
    ];
    const config = JSON.stringify({ name: opts.name, main: opts.main, network: opts.network });
    this.child = fork(runtime.module, [...runtime.args, config], {
      cwd: opts.dir,
      // Nothing of the daemon's environment (API keys, tokens, paths) reaches a plugin; the runtime drops NODE_OPTIONS.
      env: {
        NODE_ENV: 'production',
        TZ: process.env.TZ ?? '',
        ...(runtime.optionsInEnv ? { NODE_OPTIONS: nodeOptions(flags) } : {}),
      },
      execPath: process.execPath,
      execArgv: runtime.optionsInEnv ? [] : flags,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child.stdout?.setEncoding('utf8').on('data', (d: string) => this.opts.onLog('info', d.trimEnd()));
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      this.stderr = (this.stderr + d).slice(-STDERR_TAIL);
      this.opts.onLog('warn', d.trimEnd());
    });
    let started: (err?: Error) => void = () => {};
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => this.kill(`it did not start within ${opts.startTimeoutMs} ms`),
        opts.startTimeoutMs,
      );
      started = (err) => {
        clearTimeout(timer);
        started = () => {};
        if (err) reject(err);
        else resolve();
      };
    });
    this.ready.catch(() => {});
    this.child.on('message', (raw) => this.onMessage(raw, () => started()));
    // EPIPE and friends on a dying child: its exit comes next and says what happened.
    this.child.on('error', (err) => this.opts.onLog('warn', `process error: ${err.message}`));
    this.child.channel?.on?.('error', () => {});
    this.child.on('exit', (code, signal) => {
      const reason = this.exitReason(code, signal);
      this.gone = true;
      started(new PluginError('plugin_crashed', `${opts.name} stopped while starting: ${reason}`));
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new PluginError('plugin_crashed', `${opts.name} stopped while handling the request: ${reason}`));
        this.pending.delete(id);
      }
      opts.onExit(reason);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.gone;
  }

  call(tool: string, args: unknown, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
    return this.request({ t: 'call', tool, args }, timeoutMs, `tool "${tool}"`, signal);
  }

  deliver(topic: string, event: Record<string, unknown>, timeoutMs: number): Promise<unknown> {
    return this.request({ t: 'event', topic, event }, timeoutMs, `a ${topic} event`);
  }

  /** Ends the process; `reason` becomes its exit reason. */
  kill(reason: string): void {
    if (this.gone) return;
    this.killReason ??= reason;
    this.child.kill('SIGKILL');
  }

  private request(
    msg: { t: 'call'; tool: string; args: unknown } | { t: 'event'; topic: string; event: Record<string, unknown> },
    timeoutMs: number,
    what: string,
    signal?: AbortSignal,
  ): Promise<unknown> {
    if (this.gone) return Promise.reject(new PluginError('plugin_unavailable', `${this.opts.name} is not running`));
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        const why = `${what} did not finish within ${timeoutMs} ms`;
        reject(new PluginError('plugin_timeout', `${this.opts.name}: ${why}; the plugin is being restarted`));
        this.kill(why);
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      signal?.addEventListener(
        'abort',
        () => {
          if (!this.pending.delete(id)) return;
          clearTimeout(timer);
          reject(new PluginError('plugin_unavailable', 'stopped: the caller gave up'));
        },
        { once: true },
      );
      this.send({ ...msg, id } as ToChild);
    });
  }

  private send(msg: ToChild): void {
    if (this.gone || !this.child.connected) return;
    this.child.send(msg, (err) => {
      if (err) this.opts.onLog('warn', `could not reach the process: ${err.message}`);
    });
  }

  private onMessage(raw: unknown, onReady: () => void): void {
    const parsed = v.safeParse(FromChild, raw);
    if (!parsed.success) {
      this.opts.onLog('warn', 'the plugin sent a message that is not part of the protocol; ignored');
      return;
    }
    const m = parsed.output;
    if (m.t === 'ready') {
      this.tools = m.tools;
      this.topics = m.topics;
      onReady();
    } else if (m.t === 'log') {
      if (m.level === 'error') this.lastError = m.msg;
      this.opts.onLog(m.level, m.msg);
    } else if (m.t === 'done') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.value);
      else p.reject(new PluginError('plugin_tool_failed', `${this.opts.name}: ${m.error.message}`));
    } else {
      this.opts.onHost(m.op, m.args).then(
        (value) => this.send({ t: 'reply', id: m.id, ok: true, value: value ?? null }),
        (err: Error & { code?: string }) =>
          this.send({
            t: 'reply',
            id: m.id,
            ok: false,
            error: { code: String(err.code ?? 'plugin_refused').slice(0, 64), message: err.message.slice(0, 4000) },
          }),
      );
    }
  }

  private exitReason(code: number | null, signal: NodeJS.Signals | null): string {
    if (OOM.test(this.stderr)) return `out of memory (over its ${this.opts.memoryMb} MB heap limit)`;
    if (this.killReason) return this.killReason;
    const last = (this.lastError || this.stderr.trim().split('\n').at(-1))?.slice(0, 300);
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    return last ? `${how}: ${last}` : how;
  }
}
