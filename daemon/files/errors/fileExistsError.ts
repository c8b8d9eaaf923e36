// FileExistsError (409): a create or move that would replace something already there without `overwrite`.
import { FileAccessError } from './fileAccessError.ts';

export class FileExistsError extends FileAccessError {
  constructor(message: string, options?: ErrorOptions) {
    super('exists', 409, 'exists', message, options);
    this.name = 'FileExistsError';
  }
}
