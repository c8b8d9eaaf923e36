// Run Local's jobs for the UI: one up/down at a time, its progress lines kept (the last 500) for polling.
import * as v from 'valibot';
import { ulid } from '../../bus/ulid.ts';
import { RunLocalError } from './runLocalError.ts';

export const JobSchema = v.object({
  id: v.string(),
  action: v.picklist(['up', 'down']),
  state: v.picklist(['running', 'done', 'failed']),
  lines: v.array(v.string()),
  started_at: v.string(),
  finished_at: v.nullable(v.string()),
  result: v.nullable(v.record(v.string(), v.unknown())),
  error: v.nullable(v.object({ code: v.string(), message: v.string() })),
});
export type Job = v.InferOutput<typeof JobSchema>;

const MAX_LINES = 500;

export class RunLocalJobs {
  private readonly jobs = new Map<string, Job>();
  private running: Job | null = null;

  /** Starts `work` as a job; a second one while the first runs is refused (compose would race itself). */
  start(
    action: Job['action'],
    work: (progress: (line: string) => void) => Promise<Record<string, unknown>>,
    onEnd?: (job: Job) => void,
  ): Job {
    if (this.running) {
      throw new RunLocalError('busy', `Run Local is already running "${this.running.action}": wait for it to finish`);
    }
    const job: Job = {
      id: ulid(),
      action,
      state: 'running',
      lines: [],
      started_at: new Date().toISOString(),
      finished_at: null,
      result: null,
      error: null,
    };
    this.jobs.clear();
    this.jobs.set(job.id, job);
    this.running = job;
    const progress = (line: string) => {
      job.lines.push(line);
      if (job.lines.length > MAX_LINES) job.lines.splice(0, job.lines.length - MAX_LINES);
    };
    void work(progress)
      .then(
        (result) => {
          job.state = 'done';
          job.result = result;
        },
        (err: Error & { code?: string }) => {
          job.state = 'failed';
          job.error = { code: err.code ?? 'internal', message: err.message };
          progress(`failed: ${err.message}`);
        },
      )
      .finally(() => {
        job.finished_at = new Date().toISOString();
        this.running = null;
        onEnd?.(job);
      });
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  latest(): Job | null {
    return [...this.jobs.values()].at(-1) ?? null;
  }
}
