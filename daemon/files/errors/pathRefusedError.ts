// PathRefusedError (403): a well-formed path the allow-list guard will not touch, with the rule that refused it.
import { FileAccessError } from './fileAccessError.ts';

export type PathRefusalReason =
  | 'outside_roots'
  | 'symlink_escape'
  | 'symlink_loop'
  | 'dangling_symlink'
  | 'not_regular'
  | 'traversal'
  | 'root_itself'
  | 'drive_letter'
  | 'unc'
  | 'device_namespace'
  | 'device_name'
  | 'ads'
  | 'trailing_dot_space'
  | 'reserved_char'
  | 'bidi_control'
  | 'invisible_char'
  | 'lookalike_separator'
  | 'no_access'
  | 'changed';

export class PathRefusedError extends FileAccessError {
  declare readonly reason: PathRefusalReason;

  constructor(reason: PathRefusalReason, message: string, options?: ErrorOptions) {
    super('path_refused', 403, reason, message, options);
    this.name = 'PathRefusedError';
  }
}
