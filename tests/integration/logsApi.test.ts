// Proves GET /api/logs reads lines newest first with level, q and limit filters, and the WebSocket tail streams only matching lines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RawData, WebSocket } from 'ws';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';

interface Line {
  level: number;
  time: number;
  msg?: string;
  mark?: string;
  event?: string;
}

describe('logs API', () => {
  let d: TestDaemon;
  let token: string;

  beforeAll(async () => {
    d = await startDaemon({ auth: { token_ttl_h: 1, login_attempts_per_minute: 1000 } });
    token = await d.login();
    const log = d.titan.logs.app;
    log.info({ mark: 'seq-1' }, 'sequence line one');
    log.warn({ mark: 'seq-2' }, 'sequence line two');
    log.info({ mark: 'seq-3' }, 'sequence line three');
    log.error({ mark: 'seq-4' }, 'sequence line four');
    log.info({ mark: 'seq-5' }, 'Sequence Line Five');
  });
  afterAll(async () => {
    await d?.stop();
  });

  async function lines(path: string): Promise<Line[]> {
    const res = await d.request(path, { token });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    return (JSON.parse(text) as { lines: Line[] }).lines;
  }

  it('returns lines newest first', async () => {
    const got = await lines('/api/logs?q=sequence');
    expect(got.map((l) => l.mark)).toEqual(['seq-5', 'seq-4', 'seq-3', 'seq-2', 'seq-1']);
    for (let i = 1; i < got.length; i++) expect(got[i - 1]?.time).toBeGreaterThanOrEqual(got[i]?.time ?? 0);

    const all = await lines('/api/logs');
    expect(all[0]?.mark).toBe('seq-5');
    expect(all.some((l) => l.msg === 'titan ready')).toBe(true);
  });

  it('filters by minimum level', async () => {
    const warn = await lines('/api/logs?level=warn&q=sequence');
    expect(warn.map((l) => l.mark)).toEqual(['seq-4', 'seq-2']);
    const error = await lines('/api/logs?level=error');
    expect(error.every((l) => l.level >= 50)).toBe(true);
    expect(error.map((l) => l.mark)).toContain('seq-4');
    expect(error.map((l) => l.mark)).not.toContain('seq-2');
    const fatal = await lines('/api/logs?level=fatal&q=sequence');
    expect(fatal).toEqual([]);
  });

  it('filters by q, case-insensitively, over the whole line', async () => {
    expect((await lines('/api/logs?q=line%20five')).map((l) => l.mark)).toEqual(['seq-5']);
    expect((await lines('/api/logs?q=SEQ-3')).map((l) => l.mark)).toEqual(['seq-3']);
    expect(await lines('/api/logs?q=no-such-text-anywhere-9921')).toEqual([]);
  });

  it('honours limit, keeping the newest', async () => {
    expect((await lines('/api/logs?q=sequence&limit=2')).map((l) => l.mark)).toEqual(['seq-5', 'seq-4']);
    expect((await lines('/api/logs?q=sequence&limit=1')).map((l) => l.mark)).toEqual(['seq-5']);
    expect(await lines('/api/logs?limit=3')).toHaveLength(3);
  });

  it('keeps the audit trail apart from the app log', async () => {
    const audit = await lines('/api/logs/audit');
    expect(audit.map((l) => l.event)).toContain('auth.setup');
    expect(audit.some((l) => l.mark?.startsWith('seq-'))).toBe(false);
    const app = await lines('/api/logs?q=auth.setup');
    expect(app).toEqual([]);
  });

  it('the WebSocket tail sends new lines at or above ?level=, and not the lines below it', async () => {
    const url = `${d.url.replace(/^http/, 'ws')}/api/logs/tail?token=${encodeURIComponent(token)}&level=warn`;
    const ws = new WebSocket(url);
    const received: Line[] = [];
    const gotWarn = new Promise<void>((resolve, reject) => {
      ws.on('message', (data: RawData) => {
        const line = JSON.parse(data.toString()) as Line;
        received.push(line);
        if (line.mark === 'tail-warn') resolve();
      });
      ws.once('error', reject);
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });

    // Written in this order: had the info line passed the filter, it would arrive before the warn line.
    d.titan.logs.app.info({ mark: 'tail-info' }, 'tail info line');
    d.titan.logs.app.warn({ mark: 'tail-warn' }, 'tail warn line');
    await gotWarn;

    expect(received.map((l) => l.mark)).not.toContain('tail-info');
    expect(received.every((l) => l.level >= 40)).toBe(true);
    const warn = received.find((l) => l.mark === 'tail-warn');
    expect(warn?.msg).toBe('tail warn line');
    expect(warn?.level).toBe(40);

    const closed = new Promise((resolve) => ws.once('close', resolve));
    ws.close();
    await closed;

    // The lines the tail streamed are also on disk.
    expect((await lines('/api/logs?q=tail-')).map((l) => l.mark)).toEqual(['tail-warn', 'tail-info']);
  });

  it('the WebSocket tail filters by q and can follow the audit stream', async () => {
    const base = `${d.url.replace(/^http/, 'ws')}/api/logs/tail?token=${encodeURIComponent(token)}`;
    const ws = new WebSocket(`${base}&stream=audit&q=tail-audit-yes`);
    const received: Line[] = [];
    const gotIt = new Promise<void>((resolve, reject) => {
      ws.on('message', (data: RawData) => {
        const line = JSON.parse(data.toString()) as Line;
        received.push(line);
        if (line.event === 'tail-audit-yes') resolve();
      });
      ws.once('error', reject);
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });

    d.titan.logs.audit.info({ event: 'tail-audit-no' }, 'not this one');
    d.titan.logs.app.warn({ event: 'tail-audit-yes' }, 'app line, not audit');
    d.titan.logs.audit.info({ event: 'tail-audit-yes' }, 'this one');
    await gotIt;

    expect(received.map((l) => l.msg)).toEqual(['this one']);
    const closed = new Promise((resolve) => ws.once('close', resolve));
    ws.close();
    await closed;
  });
});
