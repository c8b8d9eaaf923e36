// BadPathError (400): input that is not a usable path at all (not a string, empty, NUL, control characters, too long,
// backslashes on POSIX, `~` or `$VAR` left unexpanded) or names the wrong kind of thing for the operation.
import { FileAccessError } from './fileAccessError.ts';

export type BadPathReason =
  | 'not_string'
  | 'empty'
  | 'too_long'
  | 'name_too_long'
  | 'nul_byte'
  | 'control_char'
  | 'backslash'
  | 'tilde'
  | 'variable'
  | 'drive_relative'
  | 'not_a_directory'
  | 'is_a_directory'
  | 'into_itself'
  | 'cross_device';

export class BadPathError extends FileAccessError {
  declare readonly reason: BadPathReason;

  constructor(reason: BadPathReason, message: string, options?: ErrorOptions) {
    super('bad_path', 400, reason, message, options);
    this.name = 'BadPathError';
  }
}
