// FileAccessError: the base of the guard's and file operations' typed errors; routes map `status` and `code` straight
// to `{error: {code, message}}`, and `reason` says which rule refused the path.
export type FileAccessStatus = 400 | 403 | 404 | 409;

export class FileAccessError extends Error {
  readonly code: string;
  readonly status: FileAccessStatus;
  readonly reason: string;

  constructor(code: string, status: FileAccessStatus, reason: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FileAccessError';
    this.code = code;
    this.status = status;
    this.reason = reason;
  }
}
