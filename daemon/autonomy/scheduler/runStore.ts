// RunStore: every run of every job in the Sql store — started, finished, skipped — read back newest first, and bounded
// to the last `keep` runs per job so a job every five minutes never grows the table without end.
import { monotonicFactory } from 'ulid';
import type { Sql } from '../../storage/sql.ts';
import type { JobOutput } from '../types.ts';

export type RunStatus = 'queued' | 'running' | 'ok' | 'failed' | 'skipped' | 'cancelled';
export type RunTrigger = 'schedule' | 'manual' | 'catch_up';

export interface RunView {
  id: string;
  job_id: string;
  status: RunStatus;
  trigger: RunTrigger;
  scheduled_for: string | null;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  output: JobOutput | null;
  error: string | null;
  progress: string[];
}

/** Monotonic within the process: two runs made in the same millisecond still sort in the order they were made. */
export const nextRunId = monotonicFactory();

const COLUMNS =
  'id, job_id, status, trigger, scheduled_for, started_at, finished_at, duration_ms, output, error, progress';
const iso = (x: unknown): string | null => (x == null ? null : new Date(x as string | Date).toISOString());
const at = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toRun(row: Record<string, unknown>): RunView {
  return {
    id: row.id as string,
    job_id: row.job_id as string,
    status: row.status as RunStatus,
    trigger: row.trigger as RunTrigger,
    scheduled_for: iso(row.scheduled_for),
    started_at: iso(row.started_at),
    finished_at: iso(row.finished_at),
    duration_ms: row.duration_ms == null ? null : Number(row.duration_ms),
    output: (row.output as JobOutput | null) ?? null,
    error: (row.error as string | null) ?? null,
    progress: (row.progress as string[] | null) ?? [],
  };
}

export class RunStore {
  private readonly sql: Sql;
  private readonly keep: () => number;

  /** `keep`: runs kept per job (read at each prune). */
  constructor(sql: Sql, keep: () => number) {
    this.sql = sql;
    this.keep = keep;
  }

  async insert(run: RunView): Promise<void> {
    await this.sql.query(
      `INSERT INTO scheduler_runs (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11::jsonb)`,
      [
        run.id,
        run.job_id,
        run.status,
        run.trigger,
        run.scheduled_for,
        run.started_at,
        run.finished_at,
        run.duration_ms,
        run.output === null ? null : JSON.stringify(run.output),
        run.error,
        JSON.stringify(run.progress),
      ],
    );
    if (run.finished_at !== null) await this.prune(run.job_id);
  }

  async finish(run: RunView): Promise<void> {
    await this.sql.query(
      `UPDATE scheduler_runs SET status = $2, finished_at = $3, duration_ms = $4, output = $5::jsonb, error = $6,
         progress = $7::jsonb WHERE id = $1`,
      [
        run.id,
        run.status,
        run.finished_at,
        run.duration_ms,
        run.output === null ? null : JSON.stringify(run.output),
        run.error,
        JSON.stringify(run.progress),
      ],
    );
    await this.prune(run.job_id);
  }

  /** Runs left running or queued by a daemon that stopped mid-run: they will never finish, so they are cancelled. */
  async cancelLeftovers(now: number): Promise<number> {
    const rows = await this.sql.query(
      `UPDATE scheduler_runs SET status = 'cancelled', finished_at = $1,
         error = 'the daemon stopped during this run' WHERE status IN ('queued', 'running') RETURNING id`,
      [at(now)],
    );
    return rows.length;
  }

  /** Newest first; `before` is a run id from the previous page. */
  async list(jobId: string, opts: { limit: number; before?: string }): Promise<RunView[]> {
    const rows = opts.before
      ? await this.sql.query(
          `SELECT ${COLUMNS} FROM scheduler_runs WHERE job_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`,
          [jobId, opts.before, opts.limit],
        )
      : await this.sql.query(`SELECT ${COLUMNS} FROM scheduler_runs WHERE job_id = $1 ORDER BY id DESC LIMIT $2`, [
          jobId,
          opts.limit,
        ]);
    return rows.map(toRun);
  }

  async get(id: string): Promise<RunView | null> {
    const [row] = await this.sql.query(`SELECT ${COLUMNS} FROM scheduler_runs WHERE id = $1`, [id]);
    return row ? toRun(row) : null;
  }

  /** The newest run of each job (skipped ones included), by job id. */
  async latest(): Promise<Map<string, RunView>> {
    const rows = await this.sql.query(
      `SELECT DISTINCT ON (job_id) ${COLUMNS} FROM scheduler_runs ORDER BY job_id, id DESC`,
    );
    return new Map(rows.map((r) => [r.job_id as string, toRun(r)]));
  }

  /** The time the newest run that actually ran (not skipped) was due, or started when it had no due time; ms. */
  async lastRanAt(jobId: string): Promise<number | null> {
    const [row] = await this.sql.query<{ t: unknown }>(
      `SELECT COALESCE(scheduled_for, started_at) AS t FROM scheduler_runs
       WHERE job_id = $1 AND status <> 'skipped' ORDER BY id DESC LIMIT 1`,
      [jobId],
    );
    return row?.t == null ? null : new Date(row.t as string).getTime();
  }

  async deleteJob(jobId: string): Promise<void> {
    await this.sql.query('DELETE FROM scheduler_runs WHERE job_id = $1', [jobId]);
  }

  private async prune(jobId: string): Promise<void> {
    await this.sql.query(
      `DELETE FROM scheduler_runs WHERE job_id = $1 AND status NOT IN ('queued', 'running') AND id < (
         SELECT min(id) FROM (SELECT id FROM scheduler_runs WHERE job_id = $1 ORDER BY id DESC LIMIT $2) newest)`,
      [jobId, Math.max(1, this.keep())],
    );
  }
}
