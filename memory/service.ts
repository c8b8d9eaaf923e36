// MemoryService: the memory feature in one object — store, hybrid retrieval, evaluate-and-save, graph, GC, re-embed,
// backup — plus the `memory` consumer group on the bus. Routes and the daemon talk only to this.
import * as v from 'valibot';
import type { Bus } from '../bus/bus.ts';
import type { BusEvent, Topic } from '../bus/event.ts';
import type { Handler, Subscription } from '../bus/subscription.ts';
import type { Sql } from '../daemon/storage/sql.ts';
import { type EvaluateReport, type Extractor, evaluateAndSave } from './evaluate.ts';
import { extractHeuristic } from './extract.ts';
import { collectGarbage, type GcReport } from './gc.ts';
import { contentHash, type Memory, type MemorySource, type NewMemory } from './record.ts';
import { loadProgress, pendingCount, type ReembedProgress, reembed } from './reembed.ts';
import { type Hit, hybridQuery, type QueryOptions } from './retrieve.ts';
import { type MemoryPatch, MemoryStore } from './store.ts';
import { systemMemory } from './systemEvents.ts';
import { exportLines, type ImportReport, importLines } from './transfer.ts';
import type { Embedder, GraphEntity, GraphRelation, GraphStore, Subgraph } from './types.ts';
import { ensureVectorTable } from './vectors.ts';

export interface MemoryServiceOptions {
  sql: Sql;
  embedder: Embedder;
  /** Null when no graph engine is available: graph expansion and graph routes are then off. Its owner closes it. */
  graph: GraphStore | null;
  /** Read at each GC, so a settings change applies at once. */
  cap: () => number;
  /** The graph node cap (config limits.graph_nodes), read at each GC. Default: 5 × `cap()`. */
  graphCap?: () => number;
  /** The model-backed extractor when a model is configured; default: the heuristic one. */
  extract?: Extractor;
  /** How often GC runs by itself, in ms; 0 turns the timer off. Default: 24 h. */
  gcIntervalMs?: number;
  maxTextChars?: number;
  /** Told of background failures (the consumer, GC, re-embed). */
  onError?: (err: unknown, what: string) => void;
}

export interface SaveResult {
  id: string;
  created: boolean;
}

const ChatPayload = v.looseObject({
  text: v.optional(v.string()),
  content: v.optional(v.string()),
  role: v.optional(v.string()),
  conversation_id: v.optional(v.string()),
  message_id: v.optional(v.string()),
});

export class MemoryService {
  readonly store: MemoryStore;
  readonly graph: GraphStore | null;
  private readonly opts: MemoryServiceOptions;
  private readonly extract: Extractor;
  private readonly subscriptions: Subscription[] = [];
  private readonly timer: NodeJS.Timeout | undefined;
  private reembedRun: Promise<ReembedProgress> | null = null;
  private readonly abort = new AbortController();

  private constructor(store: MemoryStore, opts: MemoryServiceOptions) {
    this.store = store;
    this.graph = opts.graph;
    this.opts = opts;
    this.extract = opts.extract ?? (async (text) => extractHeuristic(text));
    const every = opts.gcIntervalMs ?? 24 * 3600_000;
    if (every > 0) {
      this.timer = setInterval(() => void this.gc().catch((err) => this.fail(err, 'memory gc')), every);
      this.timer.unref();
    }
  }

  /** Creates the vector table for the embedder's dims, and starts a re-embed in the background if one is due. */
  static async open(opts: MemoryServiceOptions): Promise<MemoryService> {
    const table = await ensureVectorTable(opts.sql, opts.embedder.dimensions);
    await opts.graph?.init();
    const service = new MemoryService(
      new MemoryStore(opts.sql, opts.embedder, table, { maxTextChars: opts.maxTextChars }),
      opts,
    );
    if ((await pendingCount(service.store)) > 0) void service.startReembed();
    return service;
  }

  private fail(err: unknown, what: string): void {
    this.opts.onError?.(err, what);
  }

  /** Stores texts or items as given (no extraction); an identical active memory is returned instead of a copy. */
  async save(items: NewMemory[]): Promise<SaveResult[]> {
    const results: (SaveResult | null)[] = [];
    const fresh: NewMemory[] = [];
    const seen = new Map<string, number>();
    for (const item of items) {
      const hash = contentHash(this.store.checkText(item.text));
      const existing = await this.store.activeByHash(hash);
      if (existing) results.push({ id: existing.id, created: false });
      else if (seen.has(hash)) results.push({ id: `#${seen.get(hash)}`, created: false });
      else {
        seen.set(hash, fresh.length);
        fresh.push(item);
        results.push(null);
      }
    }
    const added = await this.store.add(fresh);
    let next = 0;
    return results.map((r) => {
      if (r === null) return { id: (added[next++] as Memory).id, created: true };
      if (r.id.startsWith('#')) return { id: (added[Number(r.id.slice(1))] as Memory).id, created: false };
      return r;
    });
  }

  evaluate(text: string, source: MemorySource = {}): Promise<EvaluateReport> {
    return evaluateAndSave({ store: this.store, graph: this.graph, extract: this.extract }, text, source);
  }

  query(q: string, opts: QueryOptions): Promise<Hit[]> {
    this.store.checkText(q);
    return hybridQuery(this.store, this.graph, q, opts);
  }

  get(id: string): Promise<Memory> {
    return this.store.mustGet(id);
  }

  patch(id: string, patch: MemoryPatch): Promise<Memory> {
    return this.store.update(id, patch);
  }

  /** Deletes one memory and its graph node; false when there was none. */
  async delete(id: string): Promise<boolean> {
    const [gone] = await this.store.delete([id]);
    if (gone) await this.graph?.removeMemory(gone);
    return gone !== undefined;
  }

  async upsertGraph(entities: GraphEntity[], relations: GraphRelation[]): Promise<void> {
    const graph = this.requireGraph();
    await graph.upsertEntities(entities);
    await graph.upsertRelations(relations);
  }

  subgraph(around: { entity?: string; memoryId?: string }, depth: number, limit = 200): Promise<Subgraph> {
    return this.requireGraph().subgraph(around, depth, limit);
  }

  requireGraph(): GraphStore {
    if (!this.graph) throw new Error('no graph store is configured');
    return this.graph;
  }

  async stats() {
    const [row] = await this.store.sql.query<Record<string, number>>(
      `SELECT count(*)::int AS total,
         count(*) FILTER (WHERE valid_to IS NULL AND (expires_at IS NULL OR expires_at > now()))::int AS active,
         count(*) FILTER (WHERE valid_to IS NOT NULL)::int AS superseded,
         count(*) FILTER (WHERE pinned)::int AS pinned,
         count(*) FILTER (WHERE expires_at <= now())::int AS expired
       FROM memories`,
    );
    const kinds = await this.store.sql.query<{ kind: string; n: number }>(
      'SELECT kind, count(*)::int AS n FROM memories GROUP BY kind ORDER BY kind',
    );
    return {
      ...(row as Record<string, number>),
      by_kind: Object.fromEntries(kinds.map((k) => [k.kind, k.n])),
      cap: this.opts.cap(),
      embedder: {
        model: this.store.embedder.model,
        dimensions: this.store.embedder.dimensions,
        table: this.store.table,
      },
      reembed: await this.reembedStatus(),
      graph: this.graph ? { engine: this.graph.engine, ...(await this.graph.stats()) } : null,
    };
  }

  gc(): Promise<GcReport> {
    return collectGarbage(this.store, this.graph, this.opts.cap(), this.opts.graphCap?.());
  }

  exportLines(): AsyncGenerator<string> {
    return exportLines(this.store, this.graph);
  }

  importLines(text: string): Promise<ImportReport> {
    return importLines(this.store, this.graph, text);
  }

  async reembedStatus(): Promise<ReembedProgress | null> {
    const p = await loadProgress(this.store);
    return p ? { ...p, running: this.reembedRun !== null } : null;
  }

  /** Starts (or joins) the background re-embed; resolves when it ends. */
  startReembed(): Promise<ReembedProgress> {
    this.reembedRun ??= reembed(this.store, { signal: this.abort.signal })
      .catch((err) => {
        this.fail(err, 'memory re-embed');
        throw err;
      })
      .finally(() => {
        this.reembedRun = null;
      });
    return this.reembedRun;
  }

  /**
   * The `memory` consumer group, off the reply path: every user message of chat.v1 is evaluated; a system.v1 event
   * carrying a `memory` or `summary` text (a reflection, a job's result) is saved as it is. A second call (a retry
   * after a failed subscription) subscribes only the topics still missing.
   */
  async subscribe(bus: Bus): Promise<void> {
    this.unsubscribe = async () => {
      for (const s of this.subscriptions.splice(0)) await bus.unsubscribe(s);
    };
    const handlers: [Topic, Handler][] = [
      ['chat.v1', (event) => this.onChat(event)],
      ['system.v1', (event) => this.onSystem(event)],
    ];
    for (const [topic, handler] of handlers) {
      if (this.subscriptions.some((s) => s.topic === topic)) continue;
      this.subscriptions.push(await bus.subscribe(topic, 'memory', handler));
    }
  }

  private async onChat(event: BusEvent): Promise<void> {
    const p = v.safeParse(ChatPayload, event.payload);
    if (!p.success) return;
    const text = p.output.text ?? p.output.content;
    if (!text?.trim() || (p.output.role && p.output.role !== 'user')) return;
    await this.evaluate(text, {
      origin: 'chat',
      conversation_id: p.output.conversation_id,
      message_id: p.output.message_id ?? event.event_id,
    });
  }

  private async onSystem(event: BusEvent): Promise<void> {
    const item = systemMemory(event, this.store.maxTextChars);
    if (item) await this.save([item]);
  }

  private unsubscribe: () => Promise<void> = async () => {};

  /**
   * Subscribes without holding up start-up: an unreachable bus (Redis down) is retried every `retryMs` until it
   * answers or the service closes, so the daemon still starts and reports the bus as degraded.
   */
  subscribeInBackground(bus: Bus, retryMs = 5000): void {
    const attempt = async (): Promise<void> => {
      if (this.abort.signal.aborted) return;
      try {
        await this.subscribe(bus);
      } catch (err) {
        this.fail(err, 'memory consumer subscription');
        const t = setTimeout(() => void attempt(), retryMs);
        t.unref();
        this.abort.signal.addEventListener('abort', () => clearTimeout(t), { once: true });
      }
    };
    void attempt();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.abort.abort();
    await this.unsubscribe();
    await this.reembedRun?.catch(() => {});
  }
}
