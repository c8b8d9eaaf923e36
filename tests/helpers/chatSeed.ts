// A long conversation written straight into the daemon's database (the API would take an hour for 100,000 messages):
// alternating questions and answers of varied length, some with Markdown lists and code, and one marked message to
// find by search. For the chat UI's browser test and benchmark, which then page through it over the API.
import { monotonicFactory } from 'ulid';
import type { Sql } from '../../daemon/storage/sql.ts';

export interface SeededConversation {
  id: string;
  /** The message holding `marker`, a word found nowhere else (for search and jump-to-message). */
  markerId: string;
  marker: string;
  firstId: string;
  lastId: string;
}

function content(i: number): string {
  if (i % 2 === 0) return `Question ${i}: what about item ${i % 97}?`;
  if (i % 10 === 1) return `Answer ${i}:\n\n- first point about ${i % 13}\n- second point\n\n**Done.**`;
  if (i % 10 === 3) return `Answer ${i} with code:\n\n\`\`\`js\nconst total = ${i} * 2;\nconsole.log(total);\n\`\`\``;
  if (i % 10 === 5) return `Answer ${i}: ${'a longer explanation that wraps across several lines. '.repeat(6)}`;
  return `Answer ${i}: fine.`;
}

export async function seedConversation(
  sql: Sql,
  opts: { messages: number; title?: string; markerAt?: number; batch?: number },
): Promise<SeededConversation> {
  const ulid = monotonicFactory();
  const t0 = Date.parse('2025-06-01T00:00:00Z');
  const id = ulid(t0);
  const markerAt = opts.markerAt ?? Math.floor(opts.messages / 2);
  const marker = 'quetzalcoatl';
  const batch = opts.batch ?? 5000;
  await sql.query(
    'INSERT INTO conversations (id, title, created_at, updated_at, message_count) VALUES ($1, $2, $3, $4, $5)',
    [
      id,
      opts.title ?? `Long conversation (${opts.messages})`,
      new Date(t0).toISOString(),
      new Date(t0 + opts.messages * 1000).toISOString(),
      opts.messages,
    ],
  );
  let markerId = '';
  let firstId = '';
  let lastId = '';
  for (let start = 0; start < opts.messages; start += batch) {
    const rows = [];
    for (let i = start; i < Math.min(opts.messages, start + batch); i++) {
      const at = t0 + (i + 1) * 1000;
      const mid = ulid(at);
      if (i === markerAt) markerId = mid;
      if (i === 0) firstId = mid;
      lastId = mid;
      const text = i === markerAt ? `The secret word is ${marker}, remember it.` : content(i);
      rows.push({
        id: mid,
        role: i % 2 === 0 ? 'user' : 'assistant',
        content: text,
        created_at: new Date(at).toISOString(),
      });
    }
    await sql.query(
      `INSERT INTO messages (id, conversation_id, role, content, created_at)
       SELECT id, $2, role, content, created_at FROM jsonb_to_recordset($1::jsonb)
         AS r(id text, role text, content text, created_at timestamptz)`,
      [JSON.stringify(rows), id],
    );
  }
  return { id, markerId, marker, firstId, lastId };
}
