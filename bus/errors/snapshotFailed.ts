// SnapshotError: writing or reading bus snapshots in S3 failed; `reason` tells what the user has to fix.
import { BusError } from './busError.ts';

export type SnapshotFailure =
  /** The access key is unknown, the secret or signature is wrong, or no credentials were found. */
  | 'credentials'
  /** The key is valid but may not read, write or list the bucket. */
  | 'access_denied'
  | 'no_bucket'
  /** The endpoint refused the connection, did not resolve, or timed out. */
  | 'unreachable'
  /** An object in the bucket is not a snapshot this version can read. */
  | 'corrupt'
  | 'other';

export class SnapshotError extends BusError {
  readonly reason: SnapshotFailure;
  constructor(reason: SnapshotFailure, message: string, options?: ErrorOptions) {
    super('snapshot_failed', message, options);
    this.name = 'SnapshotError';
    this.reason = reason;
  }
}
