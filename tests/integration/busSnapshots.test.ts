// The daemon with bus.snapshots set, on the local S3 server: a new machine catches up from the bucket at start-up,
// and a bucket it cannot use leaves the daemon running with the reason in its log (and never the secret).
import { afterEach, describe, expect, inject, it } from 'vitest';
import { Bus } from '../../bus/bus.ts';
import { keysFor } from '../../bus/keys.ts';
import { SnapshotStore, Snapshotter } from '../../bus/snapshots.ts';
import { SqlTransport } from '../../bus/sqlTransport.ts';
import { migrate } from '../../daemon/storage/migrate.ts';
import { openPgliteSql } from '../../daemon/storage/pgliteSql.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { testBuckets } from '../helpers/s3Buckets.ts';

const { s3 } = inject('services');
const buckets = testBuckets(s3);
const daemons: TestDaemon[] = [];

afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop();
  await buckets.removeAll();
});

const snapshotSettings = (bucket: string) => ({
  bus: {
    snapshots: {
      interval_min: 5,
      endpoint: s3.url,
      bucket,
      region: s3.region,
      access_key_id: s3.accessKeyId,
      secret_access_key: s3.secretAccessKey,
      force_path_style: true,
    },
  },
});

/** Another machine's embedded bus (default prefix, like the daemon's) whose events went to the bucket. */
async function snapshottedElsewhere(bucket: string) {
  const sql = await openPgliteSql(null);
  await migrate(sql);
  const transport = new SqlTransport(sql);
  const bus = new Bus({ transport }, { instanceId: 'elsewhere' });
  const chat = [
    await bus.publish('chat.v1', 'message.created', { n: 1 }),
    await bus.publish('chat.v1', 'message.created', { n: 2 }, { priority: 'high' }),
  ];
  const fs = [await bus.publish('fs.v1', 'file.changed', { path: '/x' })];
  const store = new SnapshotStore({
    endpoint: s3.url,
    bucket,
    region: s3.region,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
  });
  await new Snapshotter(transport, keysFor(), { store }).run();
  store.close();
  await sql.close();
  return { chat, fs };
}

async function eventIds(d: TestDaemon, topic: 'chat.v1' | 'fs.v1'): Promise<string[]> {
  const ids: string[] = [];
  for await (const e of d.titan.bus.replay(0, topic)) ids.push(e.event_id);
  return ids;
}

describe('bus snapshots in the daemon', () => {
  it('a fresh daemon catches up from the bucket at start-up', async () => {
    const bucket = await buckets.create();
    const { chat, fs } = await snapshottedElsewhere(bucket);
    const d = await startDaemon(snapshotSettings(bucket));
    daemons.push(d);
    expect((await eventIds(d, 'chat.v1')).sort()).toEqual([...chat].sort());
    expect(await eventIds(d, 'fs.v1')).toEqual(fs);
    const token = await d.login();
    const res = await d.request('/api/logs?q=caught%20up%20from%20snapshots', { token });
    const { lines } = (await res.json()) as { lines: { restored: Record<string, number> }[] };
    expect(lines).toHaveLength(1);
    expect(Object.values(lines[0]?.restored ?? {}).reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('with a bucket it cannot use, the daemon still starts and logs why, without the secret', async () => {
    const d = await startDaemon(snapshotSettings('titan-no-such-bucket'));
    daemons.push(d);
    expect((await d.request('/api/health')).status).toBe(200);
    await d.titan.bus.publish('chat.v1', 'message.created', { still: 'works' });
    const token = await d.login();
    const res = await d.request('/api/logs?q=snapshots', { token });
    const text = await res.text();
    expect(text).toMatch(/could not catch up from snapshots/);
    expect(text).toMatch(/"reason":"no_bucket"/);
    expect(text).toMatch(/does not exist: create the bucket or fix bus\.snapshots\.bucket/);
    expect(text).not.toContain(s3.secretAccessKey);
  });
});
