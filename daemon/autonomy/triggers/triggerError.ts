// TriggerError: why a rule's action could not be done, with a stable string code; recorded with the firing.
export type TriggerErrorCode = 'service_unavailable' | 'no_file' | 'ingest_failed';

export class TriggerError extends Error {
  readonly code: TriggerErrorCode;

  constructor(code: TriggerErrorCode, message: string) {
    super(message);
    this.name = 'TriggerError';
    this.code = code;
  }
}
