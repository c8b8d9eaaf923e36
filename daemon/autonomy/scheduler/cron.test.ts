// Cron expressions: readable reasons for the ones that will not do, and next/previous run times.
import { describe, expect, it } from 'vitest';
import { CronError, countBetween, cronProblem, lastAtOrBefore, nextAfter, parseCron } from './cron.ts';

describe('cron expressions', () => {
  it.each([
    ['0 25 * * *', 'hour 25 is out of range 0–23'],
    ['61 * * * *', 'minute 61 is out of range 0–59'],
    ['0 0 32 * *', 'day 32 is out of range 1–31'],
    ['0 0 * 13 *', 'month 13 is out of range 1–12'],
    ['0 0 * * 9', 'weekday 9 is out of range 0–7'],
    ['0 0 * *', '4 fields'],
    ['every day', '2 fields'],
    ['*/0 * * * *', 'step "/0" must be a whole number from 1 up'],
    ['30-10 * * * *', 'runs backwards'],
    ['a * * * *', 'is not a number'],
    ['0 0 30 2 *', 'it never runs'],
  ])('%s is refused: %s', (expr, reason) => {
    expect(() => parseCron(expr)).toThrow(CronError);
    const message = cronProblem(expr);
    expect(message).toContain(reason);
    expect(message).toContain(`"${expr}"`);
  });

  it('names the five fields in its advice', () => {
    expect(cronProblem('0 25 * * *')).toBe(
      '"0 25 * * *": hour 25 is out of range 0–23; use five fields: minute hour day month weekday (e.g. "0 3 * * *"), ' +
        'or six with seconds first',
    );
  });

  it.each(['0 3 * * *', '*/5 * * * *', '0 9 * * MON-FRI', '30 0 3 * * *', '@daily', '0 0 1,15 * *', '0 22 * * 7'])(
    '%s is accepted',
    (expr) => {
      expect(cronProblem(expr)).toBeNull();
    },
  );

  it('gives the next time strictly after, the last at or before, and counts the times between', () => {
    const cron = parseCron('0 * * * *', 'UTC');
    const at = Date.parse('2026-03-10T10:00:00Z');
    expect(new Date(nextAfter(cron, at) as number).toISOString()).toBe('2026-03-10T11:00:00.000Z');
    expect(new Date(lastAtOrBefore(cron, at) as number).toISOString()).toBe('2026-03-10T10:00:00.000Z');
    expect(new Date(lastAtOrBefore(cron, at - 1) as number).toISOString()).toBe('2026-03-10T09:00:00.000Z');
    expect(countBetween(cron, at, at + 5 * 3600_000)).toBe(5);
    expect(countBetween(cron, at, at + 3599_000)).toBe(0);
  });
});
