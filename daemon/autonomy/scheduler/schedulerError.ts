// SchedulerError: one error type for the scheduler with a stable string code; the routes map codes to statuses.
export type SchedulerErrorCode =
  | 'job_not_found'
  | 'job_running'
  | 'job_exists'
  | 'job_not_editable'
  | 'bad_cron'
  | 'unknown_tool'
  | 'tool_not_allowed';

export class SchedulerError extends Error {
  readonly code: SchedulerErrorCode;

  constructor(code: SchedulerErrorCode, message: string) {
    super(message);
    this.name = 'SchedulerError';
    this.code = code;
  }
}
