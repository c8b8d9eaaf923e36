// The bus over gRPC as a plugin in another language sees it: auth on every call, Publish, Subscribe with acks, flow
// control, redelivery of what a gone client had not acked — through a real daemon (embedded bus) and over real Redis.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitUntil } from '../../bus/bus.case.test.ts';
import { Bus } from '../../bus/bus.ts';
import type { BusEvent, Topic } from '../../bus/event.ts';
import { type BusGrpc, startBusGrpc } from '../../bus/grpc/server.ts';
import { RedisTransport } from '../../bus/redisTransport.ts';
import { TokenIssuer } from '../../daemon/auth/tokens.ts';
import { type BusClient, bearer, busClient, type RemoteSubscriber } from '../helpers/busGrpcClient.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

const uid = () => `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Rig {
  bus: Bus;
  port: number;
  token: string;
}

/** Unacked events of `group` held by its live subscriptions in this bus. */
async function pendingOf(bus: Bus, group: string): Promise<number> {
  return (await bus.pendingCounts()).filter((p) => p.group === group).reduce((n, p) => n + p.count, 0);
}

/** The server has stopped every subscription of `group` (a call's end reaches it asynchronously). */
async function groupGone(bus: Bus, group: string): Promise<void> {
  await waitUntil(async () => !(await bus.pendingCounts()).some((p) => p.group === group), `${group} to stop`);
}

const idsOf = (s: RemoteSubscriber) => s.deliveries.map((d) => d.event_id);

async function publishMany(bus: Bus, topic: Topic, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await bus.publish(topic, 'tool.called', { i }));
  return ids;
}

/** Resolves once the server has opened the subscription (the group exists, so 'new' events reach it). */
async function subscribed(rig: Rig, client: BusClient, topic: Topic, group: string, maxUnacked = 0) {
  const sub = client.subscribe({ topic, group, max_unacked: maxUnacked }, bearer(rig.token));
  await waitUntil(async () => (await rig.bus.pendingCounts()).some((p) => p.group === group), `${group} to open`);
  return sub;
}

/** What every bus engine must do over gRPC. */
function busOverGrpc(rig: () => Rig) {
  let client: BusClient;
  beforeAll(() => {
    client = busClient(rig().port);
  });
  afterAll(() => client?.close());

  it('publishes a valid event and a bus subscriber receives it as sent', async () => {
    const { bus, token } = rig();
    const got: BusEvent[] = [];
    const sub = await bus.subscribe('plugin.v1', uid(), (e) => {
      got.push(e);
    });
    const reply = await client.publish(
      { topic: 'plugin.v1', event_type: 'note.created', payload_json: '{"n":1,"s":"é"}', priority: 'high' },
      bearer(token),
    );
    expect(reply.event_id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    await waitUntil(() => got.length === 1, 'the published event');
    expect(got[0]).toMatchObject({
      event_id: reply.event_id,
      topic: 'plugin.v1',
      event_type: 'note.created',
      payload: { n: 1, s: 'é' },
      meta: { priority: 'high', source: 'grpc' },
    });
    await bus.unsubscribe(sub);
  });

  it('refuses invalid events with INVALID_ARGUMENT and the reason, writing nothing', async () => {
    const { bus, token } = rig();
    const group = uid();
    const got: string[] = [];
    const sub = await bus.subscribe('plugin.v1', group, (e) => {
      got.push(e.event_id);
    });
    const cases: [Record<string, string>, RegExp][] = [
      [{ topic: 'nope.v1', event_type: 'x' }, /topic must be one of/],
      [{ topic: 'errors.dlq', event_type: 'x' }, /errors\.dlq is written by the bus itself/],
      [{ topic: 'plugin.v1', event_type: 'Not Dotted' }, /event_type must be dotted lowercase/],
      [{ topic: 'plugin.v1', event_type: 'x', payload_json: '{nope' }, /payload_json is not JSON/],
      [{ topic: 'plugin.v1', event_type: 'x', payload_json: '[1,2]' }, /payload must be a JSON object/],
      [{ topic: 'plugin.v1', event_type: 'x', priority: 'urgent' }, /priority must be high, medium or low/],
      [{ topic: 'plugin.v1', event_type: 'x', trace_id: 'abc' }, /trace_id must be 32 lowercase hex/],
      [{ topic: 'plugin.v1', event_type: 'x', payload_json: JSON.stringify({ s: 'x'.repeat(40_000) }) }, /over the/],
    ];
    for (const [req, reason] of cases) {
      const err = await client.publish(req, bearer(token)).catch((e) => e);
      expect(err, JSON.stringify(req).slice(0, 80)).toMatchObject({ code: status.INVALID_ARGUMENT });
      expect(err.details).toMatch(reason);
    }
    await client.publish({ topic: 'plugin.v1', event_type: 'ok' }, bearer(token));
    await waitUntil(() => got.length === 1, 'the one valid event');
    await sleep(200);
    expect(got).toHaveLength(1);
    await bus.unsubscribe(sub);
  });

  it('delivers events published with bus.publish; acks clear them from pending', async () => {
    const r = rig();
    const group = uid();
    const sub = await subscribed(r, client, 'plugin.v1', group);
    const ids = await publishMany(r.bus, 'plugin.v1', 3);
    await waitUntil(() => sub.deliveries.length === 3, 'three deliveries');
    expect(new Set(idsOf(sub))).toEqual(new Set(ids));
    const first = sub.deliveries[0];
    expect(first?.deliveries).toBe(1);
    expect(JSON.parse(first?.event_json ?? '')).toMatchObject({ event_id: first?.event_id, topic: 'plugin.v1' });
    expect(await pendingOf(r.bus, group)).toBe(3);
    for (const id of ids) sub.ack(id);
    await waitUntil(async () => (await pendingOf(r.bus, group)) === 0, 'every ack to land');
    sub.cancel();
    await groupGone(r.bus, group);
  });

  it('redelivers what a client had not acked when it comes back, and only that', async () => {
    const r = rig();
    const group = uid();
    const first = await subscribed(r, client, 'fs.v1', group);
    const [acked, unacked] = await publishMany(r.bus, 'fs.v1', 2);
    await waitUntil(() => first.deliveries.length === 2, 'both deliveries');
    first.ack(acked as string);
    await waitUntil(async () => (await pendingOf(r.bus, group)) === 1, 'the one ack');
    first.cancel();
    expect((await first.ended).code).toBe(status.CANCELLED);
    await groupGone(r.bus, group);

    const again = client.subscribe({ topic: 'fs.v1', group }, bearer(r.token));
    await waitUntil(() => again.deliveries.length === 1, 'the unacked event again');
    expect(again.deliveries[0]?.event_id).toBe(unacked);
    expect(again.deliveries[0]?.deliveries).toBe(2);
    again.ack(unacked as string);
    await waitUntil(async () => (await pendingOf(r.bus, group)) === 0, 'the ack');
    await sleep(200);
    expect(idsOf(again)).toEqual([unacked]);
    again.halfClose();
    expect((await again.ended).code).toBe(status.OK);
  });

  it('gives every event to each of two groups', async () => {
    const r = rig();
    const [g1, g2] = [uid(), uid()];
    const a = await subscribed(r, client, 'system.v1', g1);
    const b = await subscribed(r, client, 'system.v1', g2);
    const ids = await publishMany(r.bus, 'system.v1', 4);
    await waitUntil(() => a.deliveries.length === 4 && b.deliveries.length === 4, 'four deliveries each');
    expect(new Set(idsOf(a))).toEqual(new Set(ids));
    expect(new Set(idsOf(b))).toEqual(new Set(ids));
    a.cancel();
    b.cancel();
  });

  it('holds deliveries back while the client has max_unacked of them, and sends more as it acks', async () => {
    const r = rig();
    const group = uid();
    const sub = await subscribed(r, client, 'chat.v1', group, 2);
    const ids = await publishMany(r.bus, 'chat.v1', 5);
    await waitUntil(() => sub.deliveries.length === 2, 'the first two');
    await sleep(400);
    expect(sub.deliveries).toHaveLength(2);
    sub.ack(sub.deliveries[0]?.event_id as string);
    await waitUntil(() => sub.deliveries.length === 3, 'a third after one ack');
    await sleep(200);
    expect(sub.deliveries).toHaveLength(3);
    for (let i = 1; i < 5; i++) {
      await waitUntil(() => sub.deliveries.length > i, `delivery ${i + 1}`);
      sub.ack(sub.deliveries[i]?.event_id as string);
    }
    expect(new Set(idsOf(sub))).toEqual(new Set(ids));
    await waitUntil(async () => (await pendingOf(r.bus, group)) === 0, 'every ack');
    sub.cancel();
  });

  it('ends a Subscribe call that does not start with a valid subscribe with INVALID_ARGUMENT', async () => {
    const { token } = rig();
    const badTopic = client.subscribe({ topic: 'errors.dlq' }, bearer(token));
    expect(await badTopic.ended).toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringMatching(/errors\.dlq/),
    });
    const badGroup = client.subscribe({ group: 'a b' }, bearer(token));
    expect(await badGroup.ended).toMatchObject({ code: status.INVALID_ARGUMENT });
    const badStart = client.subscribe({ start: 'yesterday' }, bearer(token));
    expect(await badStart.ended).toMatchObject({ code: status.INVALID_ARGUMENT });
    const ackFirst = client.subscribe(null, bearer(token));
    ackFirst.ack('01HZZZZZZZZZZZZZZZZZZZZZZZ');
    expect(await ackFirst.ended).toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringMatching(/first/),
    });
  });
}

describe('the bus gRPC service of a real daemon (embedded bus)', () => {
  let d: TestDaemon;
  let rig: Rig;
  let client: BusClient;
  beforeAll(async () => {
    d = await startDaemon({ bus: { grpc: { enabled: true, port: 0 } } });
    if (d.titan.grpcPort === null) throw new Error('the gRPC service did not start');
    rig = { bus: d.titan.bus, port: d.titan.grpcPort, token: await d.login() };
    client = busClient(rig.port);
  });
  afterAll(async () => {
    client?.close();
    await d?.stop();
  });

  it('listens on a port of its own', () => {
    expect(rig.port).toBeGreaterThan(0);
    expect(rig.port).not.toBe(Number(new URL(d.url).port));
  });

  it('refuses calls without a valid token with UNAUTHENTICATED', async () => {
    const secret = new Uint8Array(Buffer.from(readFileSync(join(d.home, 'jwt.key'), 'utf8').trim(), 'base64'));
    // Signed like the daemon's own tokens, but with the wrong key, or expired.
    const signed = (exp: number, key: Uint8Array) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('titan')
        .setSubject('owner')
        .setExpirationTime(exp)
        .sign(key);
    const now = Math.floor(Date.now() / 1000);
    const refused: (string | undefined)[] = [
      undefined,
      'Bearer not-a-jwt',
      `Basic ${rig.token}`,
      `Bearer ${rig.token}, Bearer ${rig.token}`,
      bearer(await signed(now + 3600, new Uint8Array(randomBytes(32)))),
      bearer(await signed(now - 60, secret)),
    ];
    const req = { topic: 'plugin.v1', event_type: 'x' };
    const groups: string[] = [];
    for (const auth of refused) {
      await expect(client.publish(req, auth), String(auth)).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
      groups.push(uid());
      const sub = client.subscribe({ topic: 'plugin.v1', group: groups.at(-1) }, auth);
      expect((await sub.ended).code, String(auth)).toBe(status.UNAUTHENTICATED);
      expect(sub.deliveries).toEqual([]);
    }
    // No subscription was opened for any of them.
    expect((await d.titan.bus.pendingCounts()).filter((p) => groups.includes(p.group))).toEqual([]);
    await expect(client.publish(req, bearer(rig.token))).resolves.toMatchObject({ event_id: expect.any(String) });
  });

  describe('with a valid token', () => busOverGrpc(() => rig));
});

describe('the bus gRPC service over real Redis', () => {
  const home = mkdtempSync(join(tmpdir(), 'titan-grpc-'));
  let redis: Redis;
  let bus: Bus;
  let grpc: BusGrpc;
  let rig: Rig;
  beforeAll(async () => {
    redis = new Redis(inject('services').redis.url);
    bus = new Bus(
      { transport: new RedisTransport({ client: redis }), openReader: () => new RedisTransport({ client: redis }) },
      { prefix: uid(), instanceId: 'grpc-test', blockMs: 200, claimIdleMs: 1500 },
    );
    const tokens = new TokenIssuer(home, () => 1);
    grpc = await startBusGrpc({ bus, port: 0, checkToken: (t) => tokens.check(t) });
    rig = { bus, port: grpc.port, token: (await tokens.issue()).token };
  });
  afterAll(async () => {
    await grpc?.stop();
    await bus?.close();
    redis?.disconnect();
    rmSync(home, { recursive: true, force: true });
  });

  describe('with a valid token', () => busOverGrpc(() => rig));

  it('hands an event a gone client left unacked to a live subscriber of its group after claimIdleMs', async () => {
    const client = busClient(rig.port);
    const group = uid();
    const a = await subscribed(rig, client, 'plugin.v1', group);
    const b = client.subscribe({ topic: 'plugin.v1', group }, bearer(rig.token));
    await waitUntil(async () => (await bus.pendingCounts()).filter((p) => p.group === group).length === 2, 'two');
    const [id] = await publishMany(bus, 'plugin.v1', 1);
    await waitUntil(() => a.deliveries.length + b.deliveries.length === 1, 'one delivery');
    const [holder, other] = a.deliveries.length === 1 ? [a, b] : [b, a];
    holder.cancel();
    await waitUntil(() => other.deliveries.length === 1, 'the reclaimed event', 10_000);
    expect(other.deliveries[0]).toMatchObject({ event_id: id, deliveries: 2 });
    other.ack(id as string);
    await waitUntil(async () => (await pendingOf(bus, group)) === 0, 'the ack');
    other.cancel();
    client.close();
  });

  it('does not send a live client its own unacked event again when the bus reclaims it', async () => {
    const client = busClient(rig.port);
    const sub = await subscribed(rig, client, 'fs.v1', uid());
    const [id] = await publishMany(bus, 'fs.v1', 1);
    await waitUntil(() => sub.deliveries.length === 1, 'the event');
    await sleep(3500);
    expect(idsOf(sub)).toEqual([id]);
    sub.cancel();
    client.close();
  });

  it('caps a client asking for more unacked deliveries than the server allows', async () => {
    const small = await startBusGrpc({ bus, port: 0, checkToken: async () => null, maxUnacked: 2 });
    const client = busClient(small.port);
    const sub = await subscribed({ ...rig, port: small.port }, client, 'chat.v1', uid(), 50);
    await publishMany(bus, 'chat.v1', 4);
    await waitUntil(() => sub.deliveries.length === 2, 'two');
    await sleep(400);
    expect(sub.deliveries).toHaveLength(2);
    client.close();
    await small.stop();
  });

  it('ends open Subscribe calls with UNAVAILABLE when stopped, leaving their events pending', async () => {
    const own = await startBusGrpc({ bus, port: 0, checkToken: async () => null });
    const client = busClient(own.port);
    const group = uid();
    const sub = await subscribed({ ...rig, port: own.port }, client, 'system.v1', group);
    const [id] = await publishMany(bus, 'system.v1', 1);
    await waitUntil(() => sub.deliveries.length === 1, 'the event');
    await own.stop();
    expect((await sub.ended).code).toBe(status.UNAVAILABLE);
    await groupGone(bus, group);
    const handled: string[] = [];
    const later = await bus.subscribe('system.v1', group, (e) => {
      handled.push(e.event_id);
    });
    await waitUntil(() => handled.includes(id as string), 'the pending event handed to the next subscriber');
    await bus.unsubscribe(later);
    client.close();
  });

  it('refuses to listen anywhere but loopback', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'localhost']) {
      await expect(startBusGrpc({ bus, port: 0, host, checkToken: async () => null })).rejects.toThrow(/127\.0\.0\.1/);
    }
  });
});
