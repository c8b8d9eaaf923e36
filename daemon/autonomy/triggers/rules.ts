// Which trigger rules an event sets off: topic, event type (exact or glob) and, when a rule has one, a path glob
// matched against the event's file as the user would name it — "Downloads/a.pdf", "a.pdf", home-relative or absolute.
import { basename, matchesGlob, relative, sep } from 'node:path';
import type { BusEvent } from '../../../bus/event.ts';
import type { Settings } from '../../config/schema.ts';

export type TriggerRule = Settings['triggers']['rules'][number];
export type TriggerAction = TriggerRule['action'];

/** Where the event's file is: `path` of most events, `to` of a move; null when it is not about a file. */
export function eventPath(event: Pick<BusEvent, 'payload'>): string | null {
  const p = event.payload;
  if (typeof p.to === 'string' && p.to) return p.to;
  if (typeof p.path === 'string' && p.path) return p.path;
  return null;
}

const slashed = (p: string) => p.split(sep).join('/');
const inside = (rel: string) => rel !== '' && !rel.startsWith('..') && !rel.startsWith('/') && !/^[A-Za-z]:/.test(rel);

/**
 * The names a path glob is tried against, lower-cased (rules match "*.pdf" and "INVOICE.PDF" alike): relative to its
 * allowed folder with and without the folder's name ("Downloads/a.pdf", "a.pdf"), relative to home, and absolute.
 */
export function pathCandidates(path: string, root: string | null, home: string | null): string[] {
  const out = new Set<string>([slashed(path)]);
  if (root) {
    const rel = relative(root, path);
    if (inside(rel)) {
      out.add(slashed(rel));
      out.add(`${basename(root)}/${slashed(rel)}`);
    }
  }
  if (home) {
    const rel = relative(home, path);
    if (inside(rel)) out.add(slashed(rel));
  }
  return [...out].map((c) => c.toLowerCase());
}

export function globMatches(candidates: string[], glob: string): boolean {
  const g = glob.replaceAll('\\', '/').toLowerCase();
  return candidates.some((c) => matchesGlob(c, g));
}

/** Event types are dotted words without "/", so a path glob's "*" spans exactly one whole type ("file.*", "*"). */
export function eventTypeMatches(eventType: string, pattern: string): boolean {
  return pattern === eventType || (/[*?]/.test(pattern) && matchesGlob(eventType, pattern));
}

export interface MatchContext {
  /** The real allowed root holding a real path, or null. */
  rootOf(path: string): string | null;
  home: string | null;
}

/** Whether an enabled rule fires for an event; a rule with a path glob never fires for an event without a file. */
export function ruleMatches(rule: TriggerRule, event: BusEvent, ctx: MatchContext): boolean {
  if (!rule.enabled || rule.topic !== event.topic) return false;
  if (!eventTypeMatches(event.event_type, rule.event_type)) return false;
  if (rule.path_glob === undefined) return true;
  const path = eventPath(event);
  if (!path) return false;
  return globMatches(pathCandidates(path, ctx.rootOf(path), ctx.home), rule.path_glob);
}
