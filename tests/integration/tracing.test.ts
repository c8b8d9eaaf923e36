// Traces: with telemetry.otlp_endpoint set, bus publish and handler spans reach an OTLP/HTTP collector under the event's trace_id.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitUntil } from '../../bus/bus.case.test.ts';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

interface OtlpSpan {
  traceId: string;
  name: string;
}

let collector: Server;
const received: OtlpSpan[] = [];
let daemon: TestDaemon;

beforeAll(async () => {
  // A minimal OTLP/HTTP JSON collector: records every span it is sent.
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const doc = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
      for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) received.push(...ss.spans);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  }).listen(0, '127.0.0.1');
  await new Promise((r) => collector.once('listening', r));
  const port = (collector.address() as { port: number }).port;
  daemon = await startDaemon({ telemetry: { otlp_endpoint: `http://127.0.0.1:${port}/v1/traces` } });
});
afterAll(async () => {
  await daemon?.stop();
  collector?.close();
});

it('links publish and handler spans by the trace_id the caller gave', async () => {
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  let handled = false;
  await daemon.titan.bus.subscribe('chat.v1', 'traced', () => {
    handled = true;
  });
  await daemon.titan.bus.publish('chat.v1', 'message.created', { text: 'hi' }, { traceId });
  await waitUntil(() => handled, 'the handler');
  await daemon.titan.tracing?.flush();
  await waitUntil(() => received.filter((s) => s.traceId === traceId).length >= 2, 'both spans at the collector');
  // Distinct names: the daemon's own `memory` group handles chat.v1 too, under the same trace.
  expect([...new Set(received.filter((s) => s.traceId === traceId).map((s) => s.name))].sort()).toEqual([
    'bus.handle chat.v1',
    'bus.publish chat.v1',
  ]);
});
