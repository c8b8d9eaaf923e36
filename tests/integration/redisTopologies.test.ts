// The daemon's Redis client and the bus's ACL rules against real topologies: TLS, ACL users, Sentinel failover, Cluster.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { TOPICS } from '../../bus/event.ts';
import { keysFor } from '../../bus/keys.ts';
import { type AclRole, aclRules, applyAclUser } from '../../bus/redisAcl.ts';
import { createRedisTransport } from '../../bus/redisTransport.ts';
import { createRedis, type RedisClient } from '../../daemon/storage/redisClient.ts';
import {
  type RedisClusterSet,
  type RedisServer,
  type SentinelSet,
  startCluster,
  startRedis,
  startSentinelSet,
  startTlsRedis,
  type TlsRedisServer,
  waitFor,
} from '../helpers/redisProcesses.ts';

const uid = () => randomBytes(6).toString('hex');
const keys = keysFor();
const CHAT_HIGH = keys.priority('chat.v1', 'high');
const CHAT_LOW = keys.priority('chat.v1', 'low');
const FS_LOW = keys.priority('fs.v1', 'low');
const PLUGIN_LOW = keys.priority('plugin.v1', 'low');
const DLQ_STREAM = keys.dlq;

/** The error a command fails with, or "succeeded" — so a refusal that did not happen shows up in the diff. */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'succeeded',
    (err: Error) => err.message,
  );

/** Collects a client's connection errors (and keeps ioredis from reporting them as unhandled). */
function errorsOf(client: RedisClient): string[] {
  const errors: string[] = [];
  client.on('error', (err: Error) => errors.push(err.message));
  return errors;
}

describe('TLS: rediss:// with ca_file', () => {
  let server: TlsRedisServer;
  beforeAll(async () => {
    server = await startTlsRedis();
  });
  afterAll(() => server?.stop());

  it('createRedis with the CA file writes and reads a stream', async () => {
    const client = createRedis({ url: server.url, ca_file: server.caFile }, 'test');
    try {
      const key = `titan:test:${uid()}`;
      const id = await client.xadd(key, '*', 'data', 'over tls');
      expect(await client.xrange(key, '-', '+')).toEqual([[id, ['data', 'over tls']]]);
    } finally {
      client.disconnect();
    }
  });

  it('without the CA the server certificate is refused and nothing is written', async () => {
    const key = `titan:test:${uid()}`;
    const untrusting = createRedis({ url: server.url }, 'test');
    const errors = errorsOf(untrusting);
    const outcome = await failure(untrusting.xadd(key, '*', 'data', 'must not land'));
    untrusting.disconnect();
    expect(outcome).not.toBe('succeeded');
    expect(errors.join('\n')).toMatch(/self[- ]signed certificate|unable to (get local issuer|verify)/i);
    const trusting = createRedis({ url: server.url, ca_file: server.caFile }, 'test');
    try {
      expect(await trusting.exists(key)).toBe(0);
    } finally {
      trusting.disconnect();
    }
  });
});

describe('ACL users per bus role', () => {
  let server: RedisServer;
  let admin: Redis;
  const clients: Partial<Record<AclRole | 'chatPlugin', RedisClient>> = {};
  const password = uid();
  const as = (name: AclRole | 'chatPlugin') => clients[name] as RedisClient;
  let warn: MockInstance<typeof console.warn>;

  beforeAll(async () => {
    // ioredis only warns (and skips its ready check) when INFO is refused: catch that through console.warn.
    warn = vi.spyOn(console, 'warn');
    server = await startRedis();
    admin = new Redis(server.url);
    for (const role of ['core', 'memory', 'plugins', 'audit'] as const) {
      await applyAclUser(admin, role, password, role);
      clients[role] = createRedis({ url: `redis://${role}:${password}@127.0.0.1:${server.port}` }, role);
    }
    await applyAclUser(admin, 'chatPlugin', password, 'plugins', ['chat.v1']);
    clients.chatPlugin = createRedis({ url: `redis://chatPlugin:${password}@127.0.0.1:${server.port}` }, 'plugin');
  });
  afterAll(async () => {
    for (const c of Object.values(clients)) c?.disconnect();
    admin?.disconnect();
    warn.mockRestore();
    await server?.stop();
  });

  it('memory reads and acks chat.v1 with its group, dead-letters and dedups', async () => {
    const published = await as('core').xadd(CHAT_HIGH, '*', 'data', 'hello');
    const memory = as('memory');
    await memory.xgroup('CREATE', CHAT_HIGH, 'memory', '0', 'MKSTREAM');
    const read = await memory.xreadgroup('GROUP', 'memory', 'm1', 'COUNT', 10, 'STREAMS', CHAT_HIGH, '>');
    expect(read).toEqual([[CHAT_HIGH, [[published, ['data', 'hello']]]]]);
    expect(await memory.xack(CHAT_HIGH, 'memory', published as string)).toBe(1);
    expect(await memory.call('XAUTOCLAIM', CHAT_HIGH, 'memory', 'm2', 0, '0', 'COUNT', 10)).toEqual(['0-0', [], []]);
    expect(await memory.xadd(DLQ_STREAM, '*', 'data', 'dead letter')).toMatch(/^\d+-\d+$/);
    expect(await memory.set('titan:dedup:memory:e1', '1', 'PX', 60_000, 'NX')).toBe('OK');
    expect(await memory.del('titan:dedup:memory:e1')).toBe(1);
    // createRedis's handshake (CLIENT SETNAME, INFO ready check) was allowed: named connection, no NOPERM warning.
    expect(await admin.client('LIST')).toMatch(/name=titan:memory .*user=memory /);
    expect(warn.mock.calls.flat().join('\n')).not.toMatch(/NOPERM/);
  });

  it('memory is refused (NOPERM) publishing, other topics, other dedup keys and admin commands', async () => {
    const memory = as('memory');
    const before = await admin.xlen(CHAT_HIGH);
    const refused: (string | number)[][] = [
      ['XADD', CHAT_HIGH, '*', 'data', 'forged'],
      ['XDEL', CHAT_HIGH, '0-1'],
      ['DEL', CHAT_HIGH],
      ['XRANGE', PLUGIN_LOW, '-', '+'],
      ['XGROUP', 'CREATE', PLUGIN_LOW, 'memory', '$', 'MKSTREAM'],
      ['XREADGROUP', 'GROUP', 'memory', 'm1', 'STREAMS', PLUGIN_LOW, '>'],
      ['SET', 'titan:dedup:core:e1', '1'],
      ['FLUSHALL'],
      ['CONFIG', 'GET', 'maxmemory'],
      ['KEYS', '*'],
    ];
    for (const [cmd, ...args] of refused) {
      expect([cmd, await failure(memory.call(String(cmd), ...args))]).toEqual([cmd, expect.stringMatching(/^NOPERM/)]);
    }
    expect(await admin.xlen(CHAT_HIGH)).toBe(before);
  });

  it("memory's RedisTransport runs a whole consumer cycle under the memory user", async () => {
    const stream = keys.priority('system.v1', 'medium');
    const transport = createRedisTransport(as('memory'));
    try {
      await transport.ensureGroup(stream, 'memory', '0');
      const published = await as('core').xadd(stream, 'MAXLEN', '~', 1000, '*', 'e', '{"n":1}');
      const [read] = await transport.readGroup('memory', 'm1', [{ stream, count: 10 }], '>', 100);
      expect(read).toEqual({ stream, id: published, data: '{"n":1}' });
      expect(await transport.pendingCount(stream, 'memory')).toBe(1);
      expect(await transport.pending(stream, 'memory', 0, 10)).toMatchObject([{ id: published, consumer: 'm1' }]);
      expect(await transport.claim(stream, 'memory', 'm2', 0, [published as string])).toHaveLength(1); // MULTI
      expect(await transport.autoClaim(stream, 'memory', 'm1', 0, 10)).toHaveLength(1);
      expect(await transport.ack(stream, 'memory', [published as string])).toBe(1);
      expect(await transport.range(stream, '-', '+', 10)).toHaveLength(1);
      expect(await transport.markOnce(keys.dedup('memory', 'e1'), 60_000)).toBe(true);
      await transport.unmark(keys.dedup('memory', 'e1'));
      expect(await transport.append(keys.dlq, '{"dead":true}', 1000)).toMatch(/^\d+-\d+$/);
      expect(await failure(transport.append(stream, '{"forged":true}', 1000))).toMatch(/^NOPERM/);
      // The blocking read (on its own duplicated connection) is allowed too: it waits, then times out empty.
      expect(await transport.readGroup('memory', 'm1', [{ stream, count: 10 }], '>', 200)).toEqual([]);
    } finally {
      await transport.close();
    }
  });

  it('core publishes to every topic and serves the DLQ admin', async () => {
    const core = as('core');
    for (const topic of TOPICS) {
      expect(await core.xadd(keys.priority(topic, 'high'), '*', 'data', topic)).toMatch(/^\d+-\d+$/);
    }
    const letter = (await core.xadd(DLQ_STREAM, '*', 'data', 'letter')) as string;
    expect(await core.xrange(DLQ_STREAM, letter, letter)).toEqual([[letter, ['data', 'letter']]]);
    const length = await core.xlen(DLQ_STREAM);
    expect(await core.xdel(DLQ_STREAM, letter)).toBe(1);
    expect(await core.xlen(DLQ_STREAM)).toBe(length - 1);
    expect(await failure(core.set('titan:dedup:memory:e1', '1'))).toMatch(/^NOPERM/);
  });

  it('plugins publish only to plugin.v1 and read only declared topics; audit only reads and acks', async () => {
    expect(await as('plugins').xadd(PLUGIN_LOW, '*', 'data', 'p')).toMatch(/^\d+-\d+$/);
    expect(await failure(as('plugins').xadd(CHAT_HIGH, '*', 'data', 'p'))).toMatch(/^NOPERM/);
    expect(await failure(as('plugins').xrange(CHAT_HIGH, '-', '+'))).toMatch(/^NOPERM/);
    expect(await as('chatPlugin').xrange(CHAT_HIGH, '-', '+')).not.toHaveLength(0);
    expect(await failure(as('chatPlugin').xadd(CHAT_HIGH, '*', 'data', 'p'))).toMatch(/^NOPERM/);
    expect(() => aclRules('plugins', ['errors.dlq'])).toThrow(/cannot be granted/);
    expect(() => aclRules('plugins', ['*'])).toThrow(/cannot be granted/);

    const audit = as('audit');
    const letter = await as('core').xadd(DLQ_STREAM, '*', 'data', 'for audit');
    await audit.xgroup('CREATE', DLQ_STREAM, 'audit', '0', 'MKSTREAM');
    const read = await audit.xreadgroup('GROUP', 'audit', 'a1', 'COUNT', 100, 'STREAMS', DLQ_STREAM, '>');
    expect(read?.[0]?.[1].map(([id]) => id)).toContain(letter);
    expect(await audit.xack(DLQ_STREAM, 'audit', letter as string)).toBe(1);
    expect(await failure(audit.xadd(DLQ_STREAM, '*', 'data', 'a'))).toMatch(/^NOPERM/);
    expect(await failure(audit.set('titan:dedup:audit:e1', '1'))).toMatch(/^NOPERM/);
  });
});

describe('Sentinel: the client follows a failover by itself', () => {
  let set: SentinelSet;
  beforeAll(async () => {
    set = await startSentinelSet();
  });
  afterAll(() => set?.stop());

  it('writes, fails over, then writes to the new master and still has the earlier entries', async () => {
    const client = createRedis({ sentinel: { nodes: set.sentinels, name: set.name } }, 'test');
    const errors = errorsOf(client);
    const newMaster = new Redis(set.replica.url);
    try {
      const before: string[] = [];
      for (let i = 0; i < 3; i++) before.push((await client.xadd(CHAT_HIGH, '*', 'n', String(i))) as string);
      // Replication is asynchronous and a forced failover does not wait for the replica: make sure it has them.
      expect(await client.call('WAIT', 1, 5000)).toBe(1);
      const t0 = Date.now();
      await set.failover();
      const failedOverMs = Date.now() - t0;
      // Until Sentinel demotes the old master, the client may still write there; poll until a write lands on the new one.
      const after = await waitFor(
        'the client to write to the new master',
        async () => {
          const id = await client.xadd(CHAT_HIGH, '*', 'n', 'after').catch(() => undefined);
          return id && (await newMaster.xrange(CHAT_HIGH, id, id)).length === 1 ? id : undefined;
        },
        30_000,
        200,
      );
      const recoveredMs = Date.now() - t0;
      const ids = (await client.xrange(CHAT_HIGH, '-', '+')).map(([id]) => id);
      expect(ids).toEqual(expect.arrayContaining([...before, after]));
      expect(String(await newMaster.info('replication'))).toMatch(/role:master/);
      if (process.env.TITAN_TEST_VERBOSE) {
        console.info({ failedOverMs, recoveredMs, errors: [...new Set(errors)] });
      }
    } finally {
      client.disconnect();
      newMaster.disconnect();
    }
  }, 60_000);
});

describe('Cluster: one hash tag per topic', () => {
  let cluster: RedisClusterSet;
  let client: RedisClient;
  beforeAll(async () => {
    cluster = await startCluster();
    client = createRedis({ cluster: { nodes: cluster.nodes } }, 'test');
  });
  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
  });

  it('XADDs to two topics and reads both back', async () => {
    const a = await client.xadd(CHAT_HIGH, '*', 'data', 'chat');
    const b = await client.xadd(FS_LOW, '*', 'data', 'fs');
    expect(await client.xrange(CHAT_HIGH, '-', '+')).toEqual([[a, ['data', 'chat']]]);
    expect(await client.xrange(FS_LOW, '-', '+')).toEqual([[b, ['data', 'fs']]]);
  });

  it("reads a topic's streams in one XREADGROUP; mixing topics is CROSSSLOT", async () => {
    for (const key of [CHAT_HIGH, CHAT_LOW, FS_LOW]) await client.xgroup('CREATE', key, 'g', '0', 'MKSTREAM');
    const low = await client.xadd(CHAT_LOW, '*', 'data', 'chat low');
    const slot = (key: string) => client.call('CLUSTER', 'KEYSLOT', key);
    expect(await slot(CHAT_HIGH)).toBe(await slot(CHAT_LOW));
    expect(await slot(CHAT_HIGH)).not.toBe(await slot(FS_LOW));

    const read = (keys: string[]) =>
      client.xreadgroup('GROUP', 'g', 'c1', 'COUNT', 10, 'STREAMS', ...keys, ...keys.map(() => '>'));
    const both = (await read([CHAT_HIGH, CHAT_LOW])) ?? [];
    expect(both.map(([key, entries]) => [key, entries.length])).toEqual([
      [CHAT_HIGH, 1],
      [CHAT_LOW, 1],
    ]);
    expect(both[1]?.[1][0]?.[0]).toBe(low);
    expect(await failure(read([CHAT_HIGH, FS_LOW]))).toMatch(/CROSSSLOT/);
  });
});
