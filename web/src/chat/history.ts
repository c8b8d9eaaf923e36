// One conversation's messages as the screen holds them: the newest page first, older pages as the user scrolls up,
// a jump to any message (its page loaded, with a gap row until the stretch in between is fetched), and the newest
// messages merged in after a turn. The daemon pages backwards only, by cursor.
import { createSignal } from 'solid-js';
import { api } from '../lib/api.ts';
import { isGap, type Message, type Page, type Row } from './types.ts';

const PAGE = 200;

/**
 * A cursor for "the messages before this id": the daemon's message cursors are base64url JSON ["m", id]. `id + '0'`
 * sorts right after `id` (ids are compared byte-wise), so its page ends with that message.
 */
export const cursorBefore = (id: string) =>
  btoa(JSON.stringify(['m', id]))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const cursorThrough = (id: string) => cursorBefore(`${id}0`);

export function createHistory(conversationId: string) {
  const [rows, setRows] = createSignal<Row[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [hasOlder, setHasOlder] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let olderCursor: string | null = null;
  let inflight: Promise<void> | null = null;
  const base = `/api/chat/conversations/${conversationId}/messages`;
  const page = (before: string | null, limit = PAGE) =>
    api<Page<Message>>(`${base}?limit=${limit}${before ? `&before=${encodeURIComponent(before)}` : ''}`);

  /** Runs one load at a time (another asked for meanwhile is dropped); a failure is shown, not thrown. */
  function once(fn: () => Promise<void>): Promise<void> {
    if (inflight) return inflight;
    setBusy(true);
    const run = fn()
      .then(() => void setError(null))
      .catch((err: Error) => void setError(err.message))
      .finally(() => {
        inflight = null;
        setBusy(false);
      });
    inflight = run;
    return run;
  }

  const open = () =>
    once(async () => {
      const p = await page(null, 100);
      olderCursor = p.next_cursor;
      setHasOlder(p.next_cursor !== null);
      setRows(p.items);
      setLoaded(true);
    });

  const loadOlder = () =>
    once(async () => {
      if (!olderCursor) return;
      const p = await page(olderCursor);
      olderCursor = p.next_cursor;
      setHasOlder(p.next_cursor !== null);
      setRows((r) => [...p.items, ...r]);
    });

  /** Loads the page before the gap's lower edge; the gap closes when that page reaches the stretch above it. */
  const fillGap = () =>
    once(async () => {
      const current = rows();
      const at = current.findIndex(isGap);
      const gap = current[at];
      if (!gap || !isGap(gap)) return;
      const above = current[at - 1] as Message | undefined;
      const p = await page(cursorBefore(gap.below));
      const fresh = p.items.filter((m) => !above || m.id > above.id);
      const closed = p.next_cursor === null || fresh.length < p.items.length;
      const first = fresh[0];
      const middle: Row[] = closed || !first ? fresh : [{ gap: true, below: first.id }, ...fresh];
      setRows([...current.slice(0, at), ...middle, ...current.slice(at + 1)]);
    });

  /** Makes sure the message is loaded (fetching its page if needed); true when it is in the rows. */
  async function reveal(messageId: string): Promise<boolean> {
    const has = () => rows().some((r) => !isGap(r) && r.id === messageId);
    if (has()) return true;
    while (inflight) await inflight;
    const newest = rows().findLast((r): r is Message => !isGap(r));
    // Newer than anything here (written since the list was read): the newest page has it.
    if (newest && messageId > newest.id) await refreshNewest().catch(() => {});
    if (has()) return true;
    await once(async () => {
      const p = await page(cursorThrough(messageId), 100);
      if (p.items.at(-1)?.id !== messageId) return;
      const current = rows();
      const at = current.findIndex(isGap);
      const lower = at >= 0 ? current.slice(at + 1) : current;
      const lowest = lower.find((r): r is Message => !isGap(r));
      const fresh = lowest ? p.items.filter((m) => m.id < lowest.id) : p.items;
      const touches = !lowest || fresh.length < p.items.length;
      olderCursor = p.next_cursor;
      setHasOlder(p.next_cursor !== null);
      setRows(touches ? [...fresh, ...lower] : [...fresh, { gap: true, below: lowest.id }, ...lower]);
    });
    return has();
  }

  /** Adds a message the stream delivered, unless it is already here. */
  function add(m: Message): void {
    setRows((r) => (r.some((x) => !isGap(x) && x.id === m.id) ? r : [...r, m]));
  }

  /** After a turn: the newest messages (the tool steps and the answer) appended in order. */
  async function refreshNewest(): Promise<void> {
    const p = await page(null, 50);
    setRows((r) => {
      const last = r.findLast((x): x is Message => !isGap(x));
      const fresh = last ? p.items.filter((m) => m.id > last.id) : p.items;
      return fresh.length ? [...r, ...fresh] : r;
    });
  }

  return { rows, loaded, hasOlder, busy, error, open, loadOlder, fillGap, reveal, add, refreshNewest };
}

export type History = ReturnType<typeof createHistory>;
