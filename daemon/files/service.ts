// FilesService: the files feature in one object — the guard and safe operations, the trash, ingestion with its
// jobs, search, the watcher and the `memory` consumer of fs.v1. Routes, chat tools, plugins and MCP use only this.
import { realpathSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import * as v from 'valibot';
import type { Bus } from '../../bus/bus.ts';
import type { Subscription } from '../../bus/subscription.ts';
import type { MemoryService } from '../../memory/service.ts';
import { FileIndex, type FileRecord } from './fileIndex.ts';
import { createFileOps, type FileOps, type WriteData } from './fsOps.ts';
import { createGuard, type FileAuditRecord, type Guard, type ResolvedPath } from './guard.ts';
import { type IngestDeps, Ingestor, type IngestResult, isIngestible } from './ingest.ts';
import { Jobs, type JobView } from './jobs.ts';
import { allowedRoots, homeOf, type RootStatus, rootStatus } from './roots.ts';
import { type FileHit, searchFiles } from './search.ts';
import { freeName, Trash, type TrashItem } from './trash.ts';
import { walkFiles } from './walk.ts';
import { type FileEvent, type FolderWatcher, watchFolders } from './watcher.ts';

export interface FilesServiceOptions {
  /** Configured folders; empty means the OS Desktop and Downloads. */
  folders: string[];
  dataDir: string;
  memory: MemoryService;
  bus: Bus;
  extract: IngestDeps['extract'];
  chunk: IngestDeps['chunk'];
  /** Days a deleted file stays in the trash; 0 keeps it until emptied. Read at each clean-up. */
  trashDays: () => number;
  watch: boolean;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  audit?: (record: FileAuditRecord) => void;
  onError?: (err: unknown, what: string) => void;
  /** Watcher timings (tests shorten them). */
  watcherTimings?: { debounceMs?: number; moveWindowMs?: number; stableMs?: number };
}

const FsPayload = v.union([v.object({ path: v.string() }), v.object({ from: v.string(), to: v.string() })]);

const exists = (path: string) =>
  lstat(path).then(
    () => true,
    () => false,
  );

export class FilesService {
  readonly guard: Guard;
  readonly ops: FileOps;
  readonly trash: Trash;
  readonly index: FileIndex;
  readonly ingestor: Ingestor;
  readonly jobs: Jobs;
  private readonly opts: FilesServiceOptions;
  private readonly memory: MemoryService;
  private watcher: FolderWatcher | null = null;
  private subscription: Subscription | null = null;
  private rescanRun: { job: JobView; done: Promise<JobView> } | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;

  constructor(opts: FilesServiceOptions) {
    this.opts = opts;
    this.memory = opts.memory;
    const env = opts.env ?? process.env;
    const platform = opts.platform ?? process.platform;
    this.guard = createGuard({
      roots: allowedRoots(opts.folders, env, platform),
      home: homeOf(env, platform),
      platform,
      audit: opts.audit,
    });
    this.ops = createFileOps(this.guard);
    this.trash = new Trash(opts.dataDir);
    this.index = new FileIndex(opts.memory.store.sql);
    // A job with nothing to do (a rescan of unchanged folders) says nothing on the bus.
    this.jobs = new Jobs((job) => {
      if (job.total > 0 || job.done > 0 || job.dropped > 0) void this.publish('ingest.progress', { job }, 'low');
    });
    this.ingestor = new Ingestor({
      index: this.index,
      memory: opts.memory,
      // Everything read for ingestion goes through the guard again: a file swapped for a link is refused.
      read: async (path) => this.ops.readFile(await this.guard.resolve(path, 'read', { who: 'ingest' })),
      extract: opts.extract,
      chunk: opts.chunk,
      exists,
    });
  }

  /** The roots whose folders exist, as real paths: what the watcher and the rescan walk. */
  private liveRoots(): string[] {
    return rootStatus([...this.guard.roots])
      .filter((r) => r.exists && !r.problem)
      .map((r) => realpathSync.native(r.path));
  }

  roots(): RootStatus[] {
    return rootStatus([...this.guard.roots]);
  }

  /**
   * Starts the watcher (when enabled), the `memory` consumer of fs.v1 (retried in the background while the bus is
   * unreachable, so the daemon still starts), a first rescan, and the periodic rescan and trash clean-up.
   */
  async start(opts: { rescanEveryMs?: number; retryMs?: number } = {}): Promise<void> {
    if (this.opts.watch) {
      const roots = this.liveRoots();
      if (roots.length) {
        this.watcher = watchFolders(roots, (e) => void this.publishFileEvent(e), {
          ...this.opts.watcherTimings,
          onError: (err) => this.opts.onError?.(err, 'folder watcher'),
        });
        await this.watcher.ready;
      }
    }
    const subscribe = async (): Promise<void> => {
      if (this.closed) return;
      try {
        this.subscription = await this.opts.bus.subscribe('fs.v1', 'memory', (event) =>
          this.onFsEvent(event.event_type, event.payload),
        );
      } catch (err) {
        this.opts.onError?.(err, 'fs.v1 consumer subscription');
        this.timers.push(setTimeout(() => void subscribe(), opts.retryMs ?? 5000).unref());
      }
    };
    await subscribe();
    const every = opts.rescanEveryMs ?? 3600_000;
    const housekeeping = () => {
      void this.rescan();
      void this.emptyTrash().catch((err) => this.opts.onError?.(err, 'emptying the trash'));
    };
    housekeeping();
    if (every > 0) this.timers.push(setInterval(housekeeping, every).unref());
  }

  private async publish(type: string, payload: Record<string, unknown>, priority: 'high' | 'medium' | 'low') {
    try {
      await this.opts.bus.publish('fs.v1', type, payload, { priority, source: 'files' });
    } catch (err) {
      this.opts.onError?.(err, `publishing ${type}`);
    }
  }

  private publishFileEvent(e: FileEvent): Promise<void> {
    const { type, ...payload } = e;
    return this.publish(type, payload, 'medium');
  }

  /** fs.v1 in the `memory` group: created/changed → ingest, deleted → drop, moved → re-point. */
  async onFsEvent(type: string, payload: unknown): Promise<IngestResult | number | null> {
    const p = v.safeParse(FsPayload, payload);
    if (!p.success) return null;
    const o = p.output;
    if ((type === 'file.created' || type === 'file.changed') && 'path' in o) {
      if (!isIngestible(o.path) || !(await exists(o.path))) return null;
      return this.ingestor.ingest(o.path);
    }
    if (type === 'file.deleted' && 'path' in o) {
      // The path may have come back since (a restore, a re-download): then it is a change, not a deletion.
      if (await exists(o.path)) return isIngestible(o.path) ? this.ingestor.ingest(o.path) : null;
      return this.ingestor.drop(o.path);
    }
    if (type === 'file.moved' && 'from' in o) {
      const moved = await this.ingestor.move(o.from, o.to);
      if (moved === 0 && isIngestible(o.to) && (await exists(o.to))) return this.ingestor.ingest(o.to);
      return moved;
    }
    return null;
  }

  // — operations for HTTP, chat tools, plugins and MCP (`who` names the caller in the audit trail) —

  resolve(input: unknown, intent: 'read' | 'write' | 'list' | 'delete', who: string): Promise<ResolvedPath> {
    return this.guard.resolve(input, intent, { who });
  }

  /** Ingest status of files, by real path. */
  status(paths: string[]): Promise<Map<string, FileRecord>> {
    return this.index.getMany(paths);
  }

  /**
   * Writes a file and queues it for ingestion. An existing file is never replaced silently: with `rename` the new
   * one gets the first free " (n)" name, with `overwrite` it replaces the old one atomically, else 409.
   */
  async write(target: ResolvedPath, data: WriteData, opts: { overwrite?: boolean; rename?: boolean } = {}) {
    let to = target;
    if (!opts.overwrite && opts.rename && target.kind !== 'missing') {
      to = await this.guard.resolve(await freeName(target.path), 'write', { who: target.who });
    }
    const info = await this.ops.writeFileAtomic(to, data, { overwrite: opts.overwrite });
    await this.publish(
      target.kind === 'file' && opts.overwrite ? 'file.changed' : 'file.created',
      { path: info.path },
      'medium',
    );
    return info;
  }

  /** Renames or moves within the allowed folders; the fs.v1 consumer re-points the chunks. */
  async rename(from: ResolvedPath, to: ResolvedPath, overwrite: boolean) {
    const info = await this.ops.rename(from, to, { overwrite });
    await this.publish('file.moved', { from: from.path, to: info.path }, 'medium');
    return info;
  }

  trashDays(): number {
    return this.opts.trashDays();
  }

  /** Moves a file or folder to the trash; its chunks are dropped by the fs.v1 consumer. */
  async delete(target: ResolvedPath): Promise<TrashItem> {
    const item = await this.trash.put(target.path);
    this.guard.audit({
      event: 'file.delete',
      ok: true,
      who: target.who,
      action: 'delete',
      path: target.path,
      root: target.root,
    });
    await this.publish('file.deleted', { path: target.path, dir: item.kind === 'dir' }, 'medium');
    return item;
  }

  /** Puts a trashed item back (the original place is checked by the guard again); returns where it went. */
  async restore(id: string, who: string): Promise<string> {
    const item = await this.trash.get(id);
    const target = await this.guard.resolve(item.original_path, 'write', { who });
    const to = await this.trash.restore(id, target.path);
    this.guard.audit({ event: 'file.restore', ok: true, who, action: 'restore', path: to, root: target.root });
    await this.publish('file.created', { path: to }, 'medium');
    if (item.kind === 'dir') void this.rescan();
    return to;
  }

  /** Empties trash items older than folders.trash_days; returns how many. */
  emptyTrash(all = false): Promise<number> {
    const days = this.opts.trashDays();
    if (!all && days === 0) return Promise.resolve(0);
    return this.trash.empty(all ? {} : { olderThanDays: days });
  }

  search(q: string, k: number): Promise<FileHit[]> {
    return searchFiles(this.memory, q, k);
  }

  /** Queues files for ingestion as one job with progress. */
  ingestFiles(paths: string[], opts: { force?: boolean } = {}): JobView {
    const job = this.jobs.start('ingest', paths.length);
    void (async () => {
      for (const path of paths) {
        this.jobs.progress(job, path);
        this.jobs.progress(job, null, await this.ingestor.ingest(path, opts));
      }
      this.jobs.finish(job);
    })().catch((err) => this.jobs.finish(job, err));
    return job;
  }

  /**
   * Walks every root: new and changed files are ingested, files that are gone are dropped. Catches what the watcher
   * missed (changes while the daemon was off). One at a time: a second call joins the running one. The job is
   * returned at once (its total grows while the walk runs); `done` resolves when it ends.
   */
  rescan(): { job: JobView; done: Promise<JobView> } {
    if (!this.rescanRun) {
      const job = this.jobs.start('rescan', 0);
      const done = this.runRescan(job).finally(() => {
        this.rescanRun = null;
      });
      this.rescanRun = { job, done };
    }
    return this.rescanRun;
  }

  private async runRescan(job: JobView): Promise<JobView> {
    try {
      const found: string[] = [];
      for (const root of this.liveRoots()) {
        for await (const path of walkFiles(root)) {
          if (!isIngestible(path)) continue;
          found.push(path);
          job.total = found.length;
        }
      }
      const seen = new Set(found);
      for (const row of await this.index.all()) {
        if (!seen.has(row.path) && !(await exists(row.path))) job.dropped += await this.ingestor.drop(row.path);
      }
      const known = await this.index.getMany(found);
      for (const path of found) {
        this.jobs.progress(job, path);
        const row = known.get(path);
        const st = await lstat(path).catch(() => null);
        if (row && st && row.size === st.size && row.mtime_ms === st.mtimeMs && row.status !== 'failed') {
          this.jobs.progress(job, null, { path, outcome: 'unchanged', chunks: row.chunks });
          continue;
        }
        this.jobs.progress(job, null, await this.ingestor.ingest(path));
      }
      return this.jobs.finish(job);
    } catch (err) {
      return this.jobs.finish(job, err);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    await this.watcher?.close();
    if (this.subscription) await this.opts.bus.unsubscribe(this.subscription);
    await this.rescanRun?.done.catch(() => {});
    await this.ingestor.idle();
  }
}
