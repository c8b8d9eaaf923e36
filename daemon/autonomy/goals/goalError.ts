// GoalError: the goals feature's one error type — a stable string code, the HTTP status routes answer with, and a
// message that says what to do.
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type GoalErrorCode =
  | 'goal_not_found'
  | 'run_not_found'
  | 'run_in_progress'
  | 'run_finished'
  | 'goal_disabled'
  | 'unknown_tool'
  | 'invalid_schedule'
  | 'shutting_down';

const STATUS: Record<GoalErrorCode, ContentfulStatusCode> = {
  goal_not_found: 404,
  run_not_found: 404,
  run_in_progress: 409,
  run_finished: 409,
  goal_disabled: 409,
  unknown_tool: 400,
  invalid_schedule: 400,
  shutting_down: 503,
};

export class GoalError extends Error {
  readonly code: GoalErrorCode;
  readonly status: ContentfulStatusCode;

  constructor(code: GoalErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'GoalError';
    this.code = code;
    this.status = STATUS[code];
  }
}
