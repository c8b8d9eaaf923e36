// Keeps one plugin process alive: starts it, restarts it after a crash, a hang or an out-of-memory end with a growing
// wait, and disables it after too many failures in a window — saying why, so the user can fix and re-enable it.
import { PluginProcess, type PluginProcessOptions } from './process.ts';

export type PluginStatus = 'starting' | 'running' | 'backoff' | 'disabled' | 'invalid';

export interface SupervisionPolicy {
  max_restarts: number;
  restart_window_s: number;
  backoff_ms: number;
  backoff_max_ms: number;
  memory_mb: number;
  start_timeout_ms: number;
}

export type SupervisorEvent =
  | { type: 'started' }
  | { type: 'crashed'; reason: string; restart_in_ms: number }
  | { type: 'disabled'; reason: string }
  | { type: 'stopped' };

export interface SupervisorOptions extends Omit<PluginProcessOptions, 'onExit' | 'memoryMb' | 'startTimeoutMs'> {
  policy: () => SupervisionPolicy;
  /** Every status change, after it is applied. */
  onEvent(e: SupervisorEvent): void;
  now?: () => number;
}

/** The wait before the n-th restart (1-based) in a window: backoff_ms doubled each time, capped. */
export function backoffDelay(n: number, p: Pick<SupervisionPolicy, 'backoff_ms' | 'backoff_max_ms'>): number {
  return Math.min(p.backoff_ms * 2 ** Math.max(0, n - 1), p.backoff_max_ms);
}

export class Supervisor {
  status: PluginStatus = 'starting';
  reason: string | null = null;
  /** Restarts after failures since the daemon started (or the plugin was re-enabled). */
  restarts = 0;
  private proc: PluginProcess | null = null;
  private failures: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly opts: SupervisorOptions;
  private readonly now: () => number;
  private exited: (() => void) | null = null;
  private starting: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;

  constructor(opts: SupervisorOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  get process(): PluginProcess | null {
    return this.status === 'running' ? this.proc : null;
  }

  /** Starts the process; resolves once it is ready or has failed (then it waits for its restart or is disabled). */
  start(): Promise<void> {
    this.clearTimer();
    if (this.starting) return this.starting;
    if (this.proc?.alive) return Promise.resolve();
    this.starting = this.launch().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async launch(): Promise<void> {
    this.status = 'starting';
    this.reason = null;
    const policy = this.opts.policy();
    const proc = new PluginProcess({
      ...this.opts,
      memoryMb: policy.memory_mb,
      startTimeoutMs: policy.start_timeout_ms,
      onExit: (reason) => this.onExit(proc, reason),
    });
    this.proc = proc;
    try {
      await proc.ready;
    } catch {
      return; // onExit has decided what comes next.
    }
    if (this.proc !== proc || !proc.alive) return;
    this.status = 'running';
    this.opts.onEvent({ type: 'started' });
  }

  /** Stops the process on purpose (disable, reload, shutdown): not counted as a failure. */
  stop(status: 'disabled' | 'starting' = 'disabled', reason: string | null = null): Promise<void> {
    this.stopping ??= this.halt(status, reason).finally(() => {
      this.stopping = null;
    });
    return this.stopping;
  }

  private async halt(status: 'disabled' | 'starting', reason: string | null): Promise<void> {
    this.clearTimer();
    const proc = this.proc;
    this.proc = null;
    this.status = status;
    this.reason = reason;
    if (proc?.alive) {
      const gone = new Promise<void>((resolve) => {
        this.exited = resolve;
      });
      proc.kill('stopped by the daemon');
      await gone;
    }
    this.opts.onEvent({ type: 'stopped' });
  }

  /** The user asks to try again: failures are forgotten. */
  async enable(): Promise<void> {
    this.failures = [];
    this.restarts = 0;
    await this.start();
  }

  private onExit(proc: PluginProcess, reason: string): void {
    if (this.proc !== proc) {
      this.exited?.();
      this.exited = null;
      return;
    }
    this.proc = null;
    const policy = this.opts.policy();
    const now = this.now();
    this.failures = [...this.failures.filter((t) => now - t < policy.restart_window_s * 1000), now];
    if (this.failures.length > policy.max_restarts) {
      this.status = 'disabled';
      this.reason = `disabled after ${this.failures.length} failures within ${policy.restart_window_s} s; last: ${reason}`;
      this.opts.onEvent({ type: 'disabled', reason: this.reason });
      return;
    }
    const wait = backoffDelay(this.failures.length, policy);
    this.status = 'backoff';
    this.reason = reason;
    this.opts.onEvent({ type: 'crashed', reason, restart_in_ms: wait });
    this.timer = setTimeout(() => {
      this.timer = null;
      this.restarts += 1;
      void this.start();
    }, wait);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
