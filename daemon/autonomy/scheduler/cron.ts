// Cron expressions for the scheduler: checked field by field with a message a user can act on, then handed to croner
// for the next and previous run times (the machine's local time zone unless one is given).
import { Cron } from 'croner';

/** A cron expression that will not do, with the reason in words. */
export class CronError extends Error {
  readonly code = 'bad_cron';

  constructor(expr: string, reason: string) {
    super(`"${expr}": ${reason}`);
    this.name = 'CronError';
  }
}

const FIELDS_HINT = 'use five fields: minute hour day month weekday (e.g. "0 3 * * *"), or six with seconds first';

interface Field {
  name: string;
  min: number;
  max: number;
}

const MINUTE_FIELDS: Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  // 7 is Sunday as well as 0.
  { name: 'weekday', min: 0, max: 7 },
];
const SECOND_FIELD: Field = { name: 'second', min: 0, max: 59 };

const NICKNAMES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const NAMES = /^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat)$/i;

/** The first value of a field that is out of its range or not understood, as a sentence; null when all are fine. */
function checkField(part: string, f: Field): string | null {
  for (const item of part.split(',')) {
    if (item === '') return `the ${f.name} field "${part}" has an empty item between commas`;
    const [range = '', step, extra] = item.split('/');
    if (extra !== undefined) return `the ${f.name} field "${item}" has more than one "/"`;
    if (step !== undefined && !/^[1-9]\d*$/.test(step)) {
      return `the ${f.name} step "/${step}" must be a whole number from 1 up`;
    }
    if (range === '*' || range === '?') continue;
    // Croner's extras (L, W, #n) and month/day names are left to croner itself.
    if (/[LW#]/i.test(range) || range.split('-').some((x) => NAMES.test(x))) continue;
    const bounds = range.split('-');
    if (bounds.length > 2 || bounds.some((b) => !/^\d+$/.test(b))) {
      return `the ${f.name} field "${item}" is not a number, a range (a-b), a list (a,b) or a step (*/n)`;
    }
    for (const b of bounds) {
      const n = Number(b);
      if (n < f.min || n > f.max) return `${f.name} ${n} is out of range ${f.min}–${f.max}`;
    }
    if (bounds.length === 2 && Number(bounds[0]) > Number(bounds[1])) {
      return `the ${f.name} range ${range} runs backwards: write the smaller number first`;
    }
  }
  return null;
}

/** Parses a 5- or 6-field expression (or a nickname such as @daily); throws CronError with a readable reason. */
export function parseCron(expr: string, timezone?: string): Cron {
  const trimmed = expr.trim();
  if (!NICKNAMES.has(trimmed.toLowerCase())) {
    const parts = trimmed.split(/\s+/).filter(Boolean);
    if (parts.length !== 5 && parts.length !== 6) {
      throw new CronError(expr, `${parts.length} field${parts.length === 1 ? '' : 's'}; ${FIELDS_HINT}`);
    }
    const fields = parts.length === 6 ? [SECOND_FIELD, ...MINUTE_FIELDS] : MINUTE_FIELDS;
    for (const [i, f] of fields.entries()) {
      const problem = checkField(parts[i] as string, f);
      if (problem) throw new CronError(expr, `${problem}; ${FIELDS_HINT}`);
    }
  }
  let cron: Cron;
  try {
    cron = new Cron(trimmed, { paused: true, timezone, mode: '5-or-6-parts' });
  } catch (err) {
    const reason = (err as Error).message.replace(/^CronPattern:\s*/, '');
    throw new CronError(expr, `${reason}; ${FIELDS_HINT}`);
  }
  if (!cron.nextRun())
    throw new CronError(expr, 'it never runs (no such date, e.g. 30 February): pick a date that exists');
  return cron;
}

/** A readable reason when the expression will not do, else null. */
export function cronProblem(expr: string): string | null {
  try {
    parseCron(expr);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The first run time strictly after `from` (ms), or null when there is none. */
export function nextAfter(cron: Cron, from: number): number | null {
  return cron.nextRun(new Date(from))?.getTime() ?? null;
}

/** The last run time at or before `at` (ms), or null when there is none. */
export function lastAtOrBefore(cron: Cron, at: number): number | null {
  // previousRuns looks strictly before its reference; one millisecond on includes `at` itself.
  return cron.previousRuns(1, new Date(at + 1))[0]?.getTime() ?? null;
}

/** How many run times fall in (from, to], counting at most `cap`. */
export function countBetween(cron: Cron, from: number, to: number, cap = 1000): number {
  let n = 0;
  for (let t = nextAfter(cron, from); t !== null && t <= to && n < cap; t = nextAfter(cron, t)) n++;
  return n;
}
