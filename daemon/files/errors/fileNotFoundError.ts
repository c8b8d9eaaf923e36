// FileNotFoundError (404): an allowed path where nothing exists, for an operation that needs something there.
import { FileAccessError } from './fileAccessError.ts';

export class FileNotFoundError extends FileAccessError {
  constructor(message: string, options?: ErrorOptions) {
    super('not_found', 404, 'not_found', message, options);
    this.name = 'FileNotFoundError';
  }
}
