// SnapshotStore: the bucket that bus snapshots live in (any S3-compatible storage), with S3's failures turned into
// SnapshotErrors that say what to fix. Names are relative to the store's prefix.
import {
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { SnapshotError, type SnapshotFailure } from './errors/snapshotFailed.ts';

export interface SnapshotStoreConfig {
  /** The S3 endpoint, e.g. "https://s3.eu-central-1.amazonaws.com" or "http://127.0.0.1:9000". */
  endpoint: string;
  bucket: string;
  /** Default: "us-east-1" (what most S3-compatible servers expect). */
  region?: string;
  /** Blank (the default) uses the AWS SDK's default chain: AWS_* environment variables, profiles, instance roles. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Bucket in the path (http://host/bucket/key) rather than the host name; most self-hosted servers need it. Default: true. */
  forcePathStyle?: boolean;
  /** Folder of every object in the bucket, so several installs can share one. Default: "bus". */
  prefix?: string;
  /** Time allowed per request (connect: at most 5 s of it). Default: 30,000 ms. */
  timeoutMs?: number;
  /** Attempts per request, with the SDK's backoff between them. Default: 3. */
  maxAttempts?: number;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const CREDENTIAL_ERRORS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidClientTokenId',
  'InvalidToken',
  'ExpiredToken',
  'CredentialsProviderError',
]);

/** The socket-level code of a failed request; Node wraps parallel connection attempts in an AggregateError. */
function networkCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; errors?: unknown[]; cause?: unknown };
  if (typeof e?.code === 'string' && UNREACHABLE_CODES.has(e.code)) return e.code;
  for (const inner of [...(e?.errors ?? []), e?.cause]) {
    const code = inner ? networkCode(inner) : undefined;
    if (code) return code;
  }
  return undefined;
}

export class SnapshotStore {
  readonly bucket: string;
  readonly prefix: string;
  readonly endpoint: string;
  readonly #client: S3Client;

  constructor(config: SnapshotStoreConfig) {
    this.bucket = config.bucket;
    this.prefix = (config.prefix ?? 'bus').replace(/\/+$/, '');
    this.endpoint = config.endpoint;
    const timeoutMs = config.timeoutMs ?? 30_000;
    this.#client = new S3Client({
      endpoint: config.endpoint,
      region: config.region || 'us-east-1',
      forcePathStyle: config.forcePathStyle ?? true,
      maxAttempts: config.maxAttempts ?? 3,
      requestHandler: { connectionTimeout: Math.min(5000, timeoutMs), requestTimeout: timeoutMs },
      ...(config.accessKeyId
        ? { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey ?? '' } }
        : {}),
    });
  }

  #key(name: string): string {
    return this.prefix ? `${this.prefix}/${name}` : name;
  }

  async put(name: string, body: string): Promise<void> {
    await this.#call('write', name, () =>
      this.#client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.#key(name),
          Body: body,
          ContentType: name.endsWith('.json') ? 'application/json' : 'application/x-ndjson',
        }),
      ),
    );
  }

  /** The object's text, or null when there is no such object. */
  async get(name: string): Promise<string | null> {
    return this.#call('read', name, async () => {
      try {
        const out = await this.#client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.#key(name) }));
        return (await out.Body?.transformToString('utf8')) ?? '';
      } catch (err) {
        if (err instanceof NoSuchKey) return null;
        throw err;
      }
    });
  }

  /** Names (relative to the prefix) of every object under `folder`, across all listing pages. */
  async list(folder: string): Promise<string[]> {
    const names: string[] = [];
    const start = this.#key('');
    let token: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await this.#call('list', folder, () =>
        this.#client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.#key(folder), ContinuationToken: token }),
        ),
      );
      for (const o of page.Contents ?? []) if (o.Key) names.push(o.Key.slice(start.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return names;
  }

  /** Closes the client's sockets. */
  close(): void {
    this.#client.destroy();
  }

  async #call<T>(action: 'read' | 'write' | 'list', name: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      throw this.#explain(err, action, name);
    }
  }

  /** One message per cause the user can act on; the S3 error stays attached as `cause`. */
  #explain(err: unknown, action: string, name: string): SnapshotError {
    const where = `s3 bucket "${this.bucket}" at ${this.endpoint}`;
    const fail = (reason: SnapshotFailure, message: string) => new SnapshotError(reason, message, { cause: err });
    const code = networkCode(err);
    if (code || (err as Error)?.name === 'TimeoutError') {
      return fail(
        'unreachable',
        `cannot reach the snapshot endpoint ${this.endpoint} (${code ?? 'timed out'}): check bus.snapshots.endpoint and that the server is up`,
      );
    }
    const s3Code = (err as Error)?.name ?? '';
    const status = err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
    if (CREDENTIAL_ERRORS.has(s3Code)) {
      return fail(
        'credentials',
        `${where} rejected the credentials (${s3Code}): check bus.snapshots.access_key_id and secret_access_key`,
      );
    }
    if (s3Code === 'NoSuchBucket') {
      return fail('no_bucket', `${where} does not exist: create the bucket or fix bus.snapshots.bucket`);
    }
    if (s3Code === 'AccessDenied' || status === 403) {
      return fail(
        'access_denied',
        `${where} denied ${action} of "${this.#key(name)}" (${s3Code || status}): allow the key s3:GetObject, s3:PutObject and s3:ListBucket on the bucket`,
      );
    }
    const detail = (err as Error)?.message ?? String(err);
    return fail(
      'other',
      `${action} of "${this.#key(name)}" in ${where} failed (${s3Code || status || 'error'}): ${detail}; check bus.snapshots.region and endpoint`,
    );
  }
}
