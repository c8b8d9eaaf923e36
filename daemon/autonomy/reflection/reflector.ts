// The daily self-reflection: gathers a day, writes its summary (by the model when one is configured and answers,
// else extractively), saves it as one `summary` memory per day — a second run for the same day supersedes the first —
// and links it in the graph to the names, files and tools it mentions.
import type { Logger } from 'pino';
import type { Bus } from '../../../bus/bus.ts';
import { entitiesIn, sentencesOf } from '../../../memory/extract.ts';
import { modelConfigured } from '../../../memory/extractorFor.ts';
import type { MemoryService } from '../../../memory/service.ts';
import type { GraphEntity } from '../../../memory/types.ts';
import type { ModelClient } from '../../chat/types.ts';
import type { Settings } from '../../config/schema.ts';
import type { Logs } from '../../logs/logs.ts';
import type { Sql } from '../../storage/sql.ts';
import type { JobOutput, Reflector } from '../types.ts';
import { type DayActivity, gatherDay } from './dayActivity.ts';
import { extractiveSummary } from './extractive.ts';
import { writtenSummary } from './written.ts';

export interface ReflectorDeps {
  sql: Sql;
  bus: Bus;
  logs: Logs;
  memory: MemoryService;
  model: ModelClient;
  settings: () => Settings;
}

/** A reflection's importance: above a plain event (0.4), below what the user asked to remember (0.8). */
const IMPORTANCE = 0.7;
const MAX_MENTIONS = 50;

/** What the summary names: people, projects and quoted titles, and the day's files and tools it mentions. */
export function mentionsOf(text: string, a: DayActivity): GraphEntity[] {
  const out = new Map<string, GraphEntity>();
  const add = (e: GraphEntity) => {
    const key = `${e.type}:${e.name.toLowerCase()}`;
    if (!out.has(key) && out.size < MAX_MENTIONS) out.set(key, e);
  };
  for (const s of sentencesOf(text)) for (const e of entitiesIn(s)) add(e);
  const lower = text.toLowerCase();
  for (const name of a.files.names) if (lower.includes(name.toLowerCase())) add({ name, type: 'file' });
  for (const tool of a.toolCalls.keys()) if (lower.includes(tool.toLowerCase())) add({ name: tool, type: 'tool' });
  return [...out.values()];
}

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const nl = cut.lastIndexOf('\n');
  return `${nl > max * 0.8 ? cut.slice(0, nl) : cut}…`;
}

export class DailyReflector implements Reflector {
  private readonly deps: ReflectorDeps;
  private readonly log: Logger;
  // One reflection at a time: two runs for one day must not both supersede the same summary.
  private tail: Promise<unknown> = Promise.resolve();

  constructor(deps: ReflectorDeps) {
    this.deps = deps;
    this.log = deps.logs.app;
  }

  reflect(day: Date, signal?: AbortSignal): Promise<JobOutput> {
    const run = this.tail.then(() => this.run(day, signal));
    this.tail = run.catch(() => {});
    return run;
  }

  private async run(day: Date, signal?: AbortSignal): Promise<JobOutput> {
    const { memory } = this.deps;
    const a = await gatherDay({ sql: this.deps.sql, bus: this.deps.bus, logs: this.deps.logs }, day, signal);
    let written: string | null = null;
    let modelError: string | null = null;
    if (modelConfigured(this.deps.settings().model)) {
      try {
        written = await writtenSummary(this.deps.model, a, signal);
      } catch (err) {
        signal?.throwIfAborted();
        modelError = (err as Error).message;
        this.log.warn({ err: modelError, day: a.day }, 'reflection fell back to the extractive summary');
      }
    }
    const mode = written ? 'model' : 'extractive';
    const text = clip(written ? `Summary of ${a.day}.\n${written}` : extractiveSummary(a), memory.store.maxTextChars);

    const slot = `reflection:${a.day}`;
    const previous = await memory.store.activeBySlot(slot);
    const [saved] = await memory.save([
      {
        kind: 'summary',
        text,
        slot,
        importance: IMPORTANCE,
        source: { origin: 'system' },
        supersedes: previous[0]?.id ?? null,
      },
    ]);
    const id = (saved as { id: string }).id;
    for (const old of previous) {
      if (old.id === id) continue;
      await memory.store.supersede(old.id);
      await memory.graph?.removeMemory(old.id);
    }
    const mentions = mentionsOf(text, a);
    if (memory.graph && mentions.length) await memory.graph.linkMemory(id, mentions);

    const toolCalls = [...a.toolCalls.values()].reduce((n, c) => n + c, 0);
    const fileEvents = a.files.created + a.files.changed + a.files.deleted + a.files.moved;
    const details = {
      day: a.day,
      memory_id: id,
      mode,
      ...(modelError ? { model_error: modelError } : {}),
      messages: a.messageCount,
      conversations: a.conversations.size,
      tool_calls: toolCalls,
      file_events: fileEvents,
      errors: a.errors.count,
      mentions: mentions.length,
      superseded: previous.filter((p) => p.id !== id).map((p) => p.id),
    };
    // No `summary` key: the memory group would save it a second time (memory/systemEvents.ts).
    await this.deps.bus
      .publish('system.v1', 'reflection.written', details, { priority: 'low', source: 'reflection' })
      .catch((err) => this.log.warn({ err: (err as Error).message }, 'publishing reflection.written failed'));
    this.log.info(details, 'reflection written');
    const n = (k: number, one: string) => `${k} ${one}${k === 1 ? '' : 's'}`;
    return {
      summary:
        `reflected on ${a.day}: ${n(details.messages, 'message')} in ${n(details.conversations, 'conversation')}, ` +
        `${n(toolCalls, 'tool call')}, ${n(fileEvents, 'file event')}, ${n(a.errors.count, 'error')} ` +
        `(${mode === 'model' ? 'written by the model' : 'extractive summary'})`,
      details,
    };
  }
}
