// Full-text search over chat messages, fast enough to run on every keystroke: every word matches as a prefix in the
// `simple` configuration (Russian and English alike, «догов» finds «договор»); the newest matching messages (500 by
// default) are ranked with ts_rank_cd, and only the final page gets highlighted snippets.
//
// Finding the newest matches is where the time goes, and Postgres cannot be trusted to pick the plan: for a prefix in
// 2 % of messages it walks the newest ids expecting a match every 50 rows, and reads 27,000 when the matches are old
// (60 ms at 100,000 messages); for a common prefix the GIN index visits every match (90 ms for «ко»). So the choice is
// made here, with a bounded cost either way: walk the newest `window` messages (a common prefix fills the candidates
// there), and only when that finds too few — a rare prefix, so few matches — ask the GIN index for the older ones.
// Walking costs about as much per message as the index does per match, and a prefix reaches the index only when it is
// in fewer than candidates/window of the newest messages, so the worst case of the two is smallest at
// window = √(candidates × messages): 7,000 at 100,000 messages.
import type { SqlQueryable } from '../storage/sql.ts';

export interface SearchHit {
  conversation_id: string;
  conversation_title: string;
  message_id: string;
  role: string;
  /** A passage of the message, HTML-escaped, with the matched words in <mark>…</mark> (the only markup). */
  snippet: string;
  rank: number;
  created_at: string;
}

export interface SearchOptions {
  /** How many hits. Default: 20. */
  limit?: number;
  /** Only this conversation's messages. Default: every conversation that is not deleted. */
  conversationId?: string;
  /** How many of the newest matching messages are ranked. Default: 500. */
  candidates?: number;
  /** How many of the newest messages are walked before the full-text index is asked. Default: 6000 (ChatStore sizes
   * it to the history with walkWindow). */
  window?: number;
}

/** The walk that balances the worst cases: √(candidates × messages), at least 1,000, at most 20,000. */
export function walkWindow(candidates: number, messages: number): number {
  return Math.round(Math.min(20_000, Math.max(1000, Math.sqrt(candidates * Math.max(0, messages)))));
}

/** About how many messages there are: the planner's estimate when Postgres keeps one (autovacuum), else a count. */
export async function countMessages(db: SqlQueryable): Promise<number> {
  const [est] = await db.query<{ n: number }>(
    `SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'messages'::regclass`,
  );
  if (est && est.n > 0) return est.n;
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages');
  return row?.n ?? 0;
}

/** The most words a query uses: past that, a pasted paragraph would only slow the index scan down. */
const MAX_WORDS = 8;

/** Lower-cased words of letters and digits, ё as е: the same folding the index applies (migration 007). */
export function searchWords(text: string): string[] {
  const words =
    text
      .normalize('NFKC')
      .toLowerCase()
      .replace(/ё/g, 'е')
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)].slice(0, MAX_WORDS);
}

/**
 * A to_tsquery('simple', …) string where every word must occur, each as a prefix (the last one is still being
 * typed; the others may be inflected: «договор аренды» finds «договора аренды»), or null when there is no word.
 * Only letters and digits reach it, so it cannot carry tsquery syntax.
 */
export function searchQuery(text: string): string | null {
  const words = searchWords(text);
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}

const escapeHtml = (column: string) =>
  `replace(replace(replace(replace(${column}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;')`;

// ts_headline parses the escaped text: entities are tokens the `simple` configuration ignores, so a fragment never
// splits one and a <mark> never lands inside one. Same 100,000-character window as the index.
const HEADLINE = `ts_headline('simple', ${escapeHtml('left(m.content, 100000)')}, to_tsquery('simple', $1),
  'StartSel=<mark>, StopSel=</mark>, MaxWords=18, MinWords=8, ShortWord=2, MaxFragments=1')`;

export async function searchMessages(sql: SqlQueryable, text: string, opts: SearchOptions = {}): Promise<SearchHit[]> {
  const query = searchQuery(text);
  if (!query) return [];
  const whole = (x: number | undefined, fallback: number, max: number) =>
    x !== undefined && Number.isFinite(x) ? Math.min(max, Math.max(1, Math.floor(x))) : fallback;
  const params: unknown[] = [
    query,
    whole(opts.candidates, 500, 5000),
    whole(opts.limit, 20, 100),
    whole(opts.window, 6000, 100_000),
  ];
  const scope = opts.conversationId ? `AND conversation_id = $${params.push(opts.conversationId)}` : '';
  // A short list (the trash), read once; a join here would cost the walk its early stop.
  const live = 'conversation_id <> ALL (ARRAY(SELECT id FROM conversations WHERE deleted_at IS NOT NULL))';
  const rows = await sql.query<Record<string, unknown>>(
    `WITH recent AS MATERIALIZED (
       SELECT m.id FROM (SELECT id, conversation_id, fts FROM messages WHERE true ${scope} ORDER BY id DESC LIMIT $4) m
       WHERE m.fts @@ to_tsquery('simple', $1) AND m.${live}
       ORDER BY m.id DESC LIMIT $2
     ),
     older AS (
       SELECT m.id FROM messages m
       WHERE (SELECT count(*) FROM recent) < $2 AND m.fts @@ to_tsquery('simple', $1) AND m.${live} ${scope}
         -- Under another collation (the same byte order) no index serves the ids: the planner cannot walk them or
         -- scan their range, only ask the GIN index, so the cost follows the number of matches.
         AND m.id COLLATE "POSIX" < (SELECT id FROM messages WHERE true ${scope} ORDER BY id DESC OFFSET $4::int - 1 LIMIT 1)
       ORDER BY m.id COLLATE "POSIX" DESC LIMIT $2
     ),
     candidates AS (
       SELECT id FROM (SELECT id FROM recent UNION ALL SELECT id FROM older) u ORDER BY id DESC LIMIT $2
     ),
     top AS (
       SELECT m.id, ts_rank_cd(m.fts, to_tsquery('simple', $1), 1) AS rank FROM candidates JOIN messages m USING (id)
       ORDER BY rank DESC, m.id DESC LIMIT $3
     )
     SELECT m.id AS message_id, m.conversation_id, c.title AS conversation_title, m.role, m.created_at, top.rank,
       ${HEADLINE} AS snippet
     FROM top JOIN messages m USING (id) JOIN conversations c ON c.id = m.conversation_id
     ORDER BY top.rank DESC, m.id DESC`,
    params,
  );
  return rows.map((r) => ({
    conversation_id: r.conversation_id as string,
    conversation_title: r.conversation_title as string,
    message_id: r.message_id as string,
    role: r.role as string,
    snippet: r.snippet as string,
    rank: Number(r.rank),
    created_at: new Date(r.created_at as string).toISOString(),
  }));
}
