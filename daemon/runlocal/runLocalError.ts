// RunLocalError: why Run Local could not do what was asked, with a stable code and a message the user can act on.
export type RunLocalCode =
  | 'docker_unavailable'
  | 'compose_missing'
  | 'compose_failed'
  | 'not_healthy'
  | 'not_reachable'
  | 'busy';

export class RunLocalError extends Error {
  readonly code: RunLocalCode;
  constructor(code: RunLocalCode, message: string) {
    super(message);
    this.name = 'RunLocalError';
    this.code = code;
  }
}
