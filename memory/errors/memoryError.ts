// MemoryError: one error type for the memory service with a stable string code; routes map codes to statuses.
export type MemoryErrorCode =
  | 'memory_not_found'
  | 'empty_text'
  | 'text_too_long'
  | 'wrong_dimension'
  | 'invalid_import'
  | 'invalid_input';

export class MemoryError extends Error {
  readonly code: MemoryErrorCode;

  constructor(code: MemoryErrorCode, message: string) {
    super(message);
    this.name = 'MemoryError';
    this.code = code;
  }
}
