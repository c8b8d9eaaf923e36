// Test buckets on the local S3 server of tests/services: each test creates its own, reads what the code wrote there,
// and empties and removes it afterwards.
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { TestServices } from '../setup/services.ts';

export interface TestBuckets {
  /** Creates a bucket with a random name (S3 rules: 3–63 lowercase letters, digits, dashes). */
  create(): Promise<string>;
  /** Every key in the bucket, sorted. */
  keys(bucket: string): Promise<string[]>;
  text(bucket: string, key: string): Promise<string>;
  put(bucket: string, key: string, body: string): Promise<void>;
  /** Removes every bucket this helper created. */
  removeAll(): Promise<void>;
}

export function testBuckets(s3: TestServices['s3']): TestBuckets {
  const client = new S3Client({
    endpoint: s3.url,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  const created: string[] = [];

  async function keys(bucket: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key) out.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort();
  }

  return {
    async create() {
      const name = `titan-test-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
      await client.send(new CreateBucketCommand({ Bucket: name }));
      created.push(name);
      return name;
    },
    keys,
    async text(bucket, key) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await out.Body?.transformToString('utf8')) ?? '';
    },
    async put(bucket, key, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async removeAll() {
      for (const bucket of created.splice(0)) {
        const all = await keys(bucket);
        if (all.length > 0) {
          await client.send(
            new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: all.map((Key) => ({ Key })) } }),
          );
        }
        await client.send(new DeleteBucketCommand({ Bucket: bucket }));
      }
    },
  };
}
