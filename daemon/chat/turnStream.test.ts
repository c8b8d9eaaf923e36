import { describe, expect, it } from 'vitest';
import { TurnStream } from './turnStream.ts';
import type { TurnEvent } from './types.ts';

const token = (text: string): TurnEvent => ({ type: 'token', text });

describe('turn stream', () => {
  it('replays past events to a late listener, then the live ones, and ends with the turn', async () => {
    const s = new TurnStream();
    s.push(token('a'));
    const early: TurnEvent[] = [];
    const reading = (async () => {
      for await (const e of s) early.push(e);
    })();
    s.push(token('b'));
    await new Promise((r) => setTimeout(r, 5));
    s.push(token('c'));
    s.end();
    s.push(token('ignored after end'));
    await reading;
    const late: TurnEvent[] = [];
    for await (const e of s) late.push(e);
    expect(early).toEqual([token('a'), token('b'), token('c')]);
    expect(late).toEqual(early);
    expect(s.done).toBe(true);
  });
});
