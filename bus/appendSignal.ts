// AppendSignal: wakes the embedded transport's blocked reads of this process when an entry is appended to their streams.
import { EventEmitter } from 'node:events';

/**
 * Each append bumps a process-wide tick and records it per stream. A reader takes `tick()` before it queries and
 * waits with that value, so an append that lands between its query and its wait still wakes it (no lost wake-up).
 */
export class AppendSignal {
  #tick = 0;
  readonly #last = new Map<string, number>();
  readonly #events = new EventEmitter().setMaxListeners(0);

  tick(): number {
    return this.#tick;
  }

  notify(stream: string): void {
    this.#tick += 1;
    this.#last.set(stream, this.#tick);
    this.#events.emit('append', stream);
  }

  /** Resolves when one of `streams` got an append after `since`, after `ms`, or when `abort` fires. */
  wait(streams: string[], since: number, ms: number, abort: AbortSignal): Promise<void> {
    if (abort.aborted || streams.some((s) => (this.#last.get(s) ?? 0) > since)) return Promise.resolve();
    return new Promise((resolve) => {
      const events = this.#events;
      const timer = setTimeout(done, ms);
      events.on('append', onAppend);
      abort.addEventListener('abort', done, { once: true });
      function onAppend(stream: string) {
        if (streams.includes(stream)) done();
      }
      function done() {
        clearTimeout(timer);
        events.off('append', onAppend);
        abort.removeEventListener('abort', done);
        resolve();
      }
    });
  }
}

// One signal per database handle, so every transport built on the same Sql in this process hears the others.
const signals = new WeakMap<object, AppendSignal>();

export function appendSignalFor(db: object): AppendSignal {
  let signal = signals.get(db);
  if (!signal) {
    signal = new AppendSignal();
    signals.set(db, signal);
  }
  return signal;
}
