// JobStore: the jobs users create (POST /api/scheduler/jobs) in the Sql store — what to run, when, and the tools the
// user granted beyond the unattended defaults.
import type { Sql } from '../../storage/sql.ts';
import type { MissedPolicy } from './scheduler.ts';

export type JobAction =
  | { type: 'tool'; tool: string; arguments: Record<string, unknown> }
  | { type: 'goal'; goal_id: string };

export interface UserJob {
  id: string;
  description: string;
  cron: string;
  enabled: boolean;
  /** Null: the scheduler.missed setting. */
  missed: MissedPolicy | null;
  action: JobAction;
  /** Tools this job may call although they change things (risk "write" or approval "ask"). */
  grants: string[];
  created_at: string;
  updated_at: string;
}

const COLUMNS = 'id, description, cron, enabled, missed, action, grants, created_at, updated_at';
const iso = (x: unknown) => new Date(x as string | Date).toISOString();

function toJob(row: Record<string, unknown>): UserJob {
  return {
    id: row.id as string,
    description: row.description as string,
    cron: row.cron as string,
    enabled: row.enabled as boolean,
    missed: (row.missed as MissedPolicy | null) ?? null,
    action: row.action as JobAction,
    grants: (row.grants as string[]) ?? [],
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export class JobStore {
  private readonly sql: Sql;

  constructor(sql: Sql) {
    this.sql = sql;
  }

  async list(): Promise<UserJob[]> {
    return (await this.sql.query(`SELECT ${COLUMNS} FROM scheduler_jobs ORDER BY id`)).map(toJob);
  }

  async get(id: string): Promise<UserJob | null> {
    const [row] = await this.sql.query(`SELECT ${COLUMNS} FROM scheduler_jobs WHERE id = $1`, [id]);
    return row ? toJob(row) : null;
  }

  /** Inserts or replaces a job (created_at is kept on replace). */
  async put(job: Omit<UserJob, 'created_at' | 'updated_at'>): Promise<UserJob> {
    const [row] = await this.sql.query(
      `INSERT INTO scheduler_jobs (id, description, cron, enabled, missed, action, grants)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)
       ON CONFLICT (id) DO UPDATE SET description = EXCLUDED.description, cron = EXCLUDED.cron,
         enabled = EXCLUDED.enabled, missed = EXCLUDED.missed, action = EXCLUDED.action, grants = EXCLUDED.grants,
         updated_at = date_trunc('milliseconds', now())
       RETURNING ${COLUMNS}`,
      [
        job.id,
        job.description,
        job.cron,
        job.enabled,
        job.missed,
        JSON.stringify(job.action),
        JSON.stringify(job.grants),
      ],
    );
    return toJob(row as Record<string, unknown>);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.sql.query('DELETE FROM scheduler_jobs WHERE id = $1 RETURNING id', [id])).length > 0;
  }
}
