// The fake model server speaks OpenAI's wire format: checked with the official SDK, streamed and not.
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeModelServer, fakeVector, start } from './server.ts';

describe('fake model server', () => {
  let server: FakeModelServer;
  let client: OpenAI;
  beforeAll(async () => {
    server = await start();
    client = new OpenAI({ apiKey: 'k', baseURL: server.url, maxRetries: 0 });
  });
  afterAll(() => server.stop());
  afterEach(() => {
    server.requests.length = 0;
  });

  it('answers embeddings deterministically, in float and base64', async () => {
    const a = await client.embeddings.create({ model: 'm', input: ['x', 'y'], encoding_format: 'float' });
    expect(a.data.map((d) => d.embedding)).toEqual([fakeVector('x', 64), fakeVector('y', 64)]);
    // The SDK's default is base64, decoded by the SDK into floats.
    const b = await client.embeddings.create({ model: 'm', input: 'x', dimensions: 8 });
    const got = Array.from(b.data[0]?.embedding ?? []);
    got.forEach((x, i) => {
      expect(x).toBeCloseTo(fakeVector('x', 8)[i] ?? Number.NaN, 6);
    });
  });

  it('plays a scripted text turn without streaming', async () => {
    server.script({ reply: { text: 'Привет, мир' } });
    const res = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.choices[0]?.message.content).toBe('Привет, мир');
    expect(res.choices[0]?.finish_reason).toBe('stop');
    expect(server.requests[0]?.body).toMatchObject({ messages: [{ role: 'user', content: 'hi' }] });
  });

  it('streams a text turn as several SSE chunks, with usage when asked', async () => {
    server.script({ reply: { text: 'one two three' } });
    const stream = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const pieces: string[] = [];
    let finish: string | null = null;
    let usage: unknown;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const c = chunk.choices[0];
      if (c?.delta.content) pieces.push(c.delta.content);
      if (c?.finish_reason) finish = c.finish_reason;
    }
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe('one two three');
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ total_tokens: 15 });
  });

  it('plays tool calls, streamed and not', async () => {
    const turn = { reply: { toolCalls: [{ name: 'read_file', arguments: { path: '/notes/a.md' } }] } };
    server.script(turn, turn);
    const res = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'read' }] });
    const call = res.choices[0]?.message.tool_calls?.[0];
    expect(res.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && call.function).toEqual({
      name: 'read_file',
      arguments: '{"path":"/notes/a.md"}',
    });
    const stream = client.chat.completions.stream({
      model: 'm',
      messages: [{ role: 'user', content: 'read' }],
    });
    const final = await stream.finalChatCompletion();
    const streamed = final.choices[0]?.message.tool_calls?.[0];
    expect(streamed?.type === 'function' && JSON.parse(streamed.function.arguments)).toEqual({ path: '/notes/a.md' });
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('fails scripted calls with OpenAI-shaped errors, then recovers', async () => {
    server.script({ fail: { status: 429, retryAfter: '2', message: 'slow down' } });
    const err = await client.embeddings.create({ model: 'm', input: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 429, message: '429 slow down' });
    expect((err as { headers: Headers }).headers.get('retry-after')).toBe('2');
    await expect(client.embeddings.create({ model: 'm', input: 'x' })).resolves.toBeTruthy();
  });

  it('refuses a chat call with no scripted turn left', async () => {
    await expect(
      client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 500 });
  });
});
