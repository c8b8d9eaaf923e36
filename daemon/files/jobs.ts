// Ingest jobs: a rescan or a batch of files, with progress a user can watch (GET /api/files/jobs and fs.v1
// `ingest.progress` events, at most a few per second so a big folder does not flood the bus).
import { ulid } from '../../bus/ulid.ts';
import type { IngestOutcome, IngestResult } from './ingest.ts';

export interface JobView {
  id: string;
  kind: 'rescan' | 'ingest';
  state: 'running' | 'done' | 'failed';
  total: number;
  done: number;
  outcomes: Record<IngestOutcome, number>;
  dropped: number;
  current: string | null;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  /** The files that failed and why (the first 50). */
  failures: { path: string; error: string }[];
}

const KEEP = 20;

export class Jobs {
  private readonly jobs = new Map<string, JobView>();
  private readonly notify: (job: JobView) => void;
  private readonly throttleMs: number;
  private readonly lastSent = new Map<string, number>();

  constructor(notify: (job: JobView) => void = () => {}, throttleMs = 250) {
    this.notify = notify;
    this.throttleMs = throttleMs;
  }

  start(kind: JobView['kind'], total: number): JobView {
    const job: JobView = {
      id: ulid(),
      kind,
      state: 'running',
      total,
      done: 0,
      outcomes: { indexed: 0, unchanged: 0, moved: 0, no_text: 0, unsupported: 0, failed: 0 },
      dropped: 0,
      current: null,
      started_at: new Date().toISOString(),
      finished_at: null,
      error: null,
      failures: [],
    };
    this.jobs.set(job.id, job);
    // Old finished jobs go first; running ones are never dropped.
    for (const old of [...this.jobs.values()].filter((j) => j.state !== 'running').slice(0, -KEEP)) {
      this.jobs.delete(old.id);
    }
    this.send(job, true);
    return job;
  }

  progress(job: JobView, current: string | null, result?: IngestResult): void {
    job.current = current;
    if (result) {
      job.done++;
      job.outcomes[result.outcome]++;
      if (result.error && result.outcome === 'failed' && job.failures.length < 50) {
        job.failures.push({ path: result.path, error: result.error });
      }
    }
    this.send(job, false);
  }

  finish(job: JobView, error?: unknown): JobView {
    job.state = error ? 'failed' : 'done';
    job.error = error ? (error as Error).message : null;
    job.current = null;
    job.finished_at = new Date().toISOString();
    this.send(job, true);
    this.lastSent.delete(job.id);
    return job;
  }

  get(id: string): JobView | undefined {
    return this.jobs.get(id);
  }

  /** Newest first. */
  list(): JobView[] {
    return [...this.jobs.values()].reverse();
  }

  private send(job: JobView, always: boolean): void {
    const now = Date.now();
    if (!always && now - (this.lastSent.get(job.id) ?? 0) < this.throttleMs) return;
    this.lastSent.set(job.id, now);
    this.notify(structuredClone(job));
  }
}
