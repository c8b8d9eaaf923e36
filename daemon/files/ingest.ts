// Ingestion: a file's text into memory as document chunks — idempotent by content hash (unchanged files skipped,
// changed files replace their chunks, moved files re-point theirs), one file at a time so a big folder never floods
// the embedder. The file_index row says where each file stands.
import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import { dropDocument, moveDocument, replaceDocument } from '../../memory/documents.ts';
import type { MemoryService } from '../../memory/service.ts';
import { contextualText } from './extract/chunk.ts';
import type { FileIndex, FileRecord } from './fileIndex.ts';

/** Extensions whose text Titan can read; anything else is listed but not ingested. */
export const INGESTIBLE = new Set(['.pdf', '.docx', '.txt', '.md', '.markdown', '.csv', '.json', '.html', '.htm']);

export interface ExtractedDocument {
  kind: string;
  pages: { page: number | null; text: string }[];
  noTextLayer?: boolean;
}

export interface ChunkOut {
  text: string;
  page: number | null;
  heading?: string;
}

/** Reads a file through the guard (no symlink swaps) and returns its bytes and stat. */
export type ReadFile = (path: string) => Promise<{ data: Buffer; size: number; mtimeMs: number }>;

export interface IngestDeps {
  index: FileIndex;
  memory: MemoryService;
  read: ReadFile;
  extract: (data: Buffer, name: string) => Promise<ExtractedDocument>;
  chunk: (pages: ExtractedDocument['pages']) => ChunkOut[];
  /** Whether a path still exists (a moved file's old path must be gone). */
  exists: (path: string) => Promise<boolean>;
}

export type IngestOutcome = 'indexed' | 'unchanged' | 'moved' | 'no_text' | 'unsupported' | 'failed';

export interface IngestResult {
  path: string;
  outcome: IngestOutcome;
  chunks: number;
  error?: string;
}

export const isIngestible = (path: string) => INGESTIBLE.has(extname(path).toLowerCase());

/** "Договор_оказания-услуг.2026.pdf" → "Договор оказания услуг 2026 (PDF)": what the file is, in words a query uses. */
export function titleOf(path: string): string {
  const ext = extname(path);
  const words = basename(path, ext)
    .replace(/[_\-.+]+/g, ' ')
    .trim();
  return ext ? `${words} (${ext.slice(1).toUpperCase()})` : words;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

export class Ingestor {
  private readonly deps: IngestDeps;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly queued = new Map<string, Promise<IngestResult>>();

  constructor(deps: IngestDeps) {
    this.deps = deps;
  }

  /** Queues a file; a file already waiting shares that run. */
  ingest(path: string, opts: { force?: boolean } = {}): Promise<IngestResult> {
    const waiting = this.queued.get(path);
    if (waiting) return waiting;
    const run = this.tail.then(() => this.ingestNow(path, opts.force ?? false));
    this.queued.set(path, run);
    this.tail = run.catch(() => {});
    return run.finally(() => this.queued.delete(path));
  }

  private async ingestNow(path: string, force: boolean): Promise<IngestResult> {
    const { index, memory } = this.deps;
    if (!isIngestible(path)) return { path, outcome: 'unsupported', chunks: 0 };
    const row = await index.get(path);
    const base = { kind: null, pages: null, chunks: 0, error: null };
    let file: Awaited<ReturnType<ReadFile>>;
    try {
      file = await this.deps.read(path);
    } catch (err) {
      return { path, outcome: 'failed', chunks: 0, error: (err as Error).message };
    }
    const hash = sha256(file.data);
    const stat = { path, size: file.size, mtime_ms: file.mtimeMs, content_hash: hash };
    if (!force && row && row.content_hash === hash && row.status !== 'failed' && row.status !== 'pending') {
      if (row.size !== file.size || row.mtime_ms !== file.mtimeMs) await index.put({ ...row, ...stat });
      return { path, outcome: 'unchanged', chunks: row.chunks };
    }
    if (!force && !row) {
      const moved = await this.movedFrom(hash, path);
      if (moved) {
        await moveDocument(memory.store, memory.graph, moved.path, path);
        await index.rename(moved.path, path, file.size, file.mtimeMs);
        return { path, outcome: 'moved', chunks: moved.chunks };
      }
    }
    await index.put({ ...base, ...stat, status: 'pending' });
    try {
      const doc = await this.deps.extract(file.data, basename(path));
      const title = titleOf(path);
      const chunks = this.deps.chunk(doc.pages).filter((c) => c.text.trim() !== '');
      const saved = await replaceDocument(
        memory.store,
        memory.graph,
        path,
        chunks.map((c, index) => ({ ...c, text: contextualText({ ...c, index }, title) })),
      );
      const status = saved.length ? 'indexed' : 'no_text';
      const pages = doc.pages.length || null;
      const note = doc.noTextLayer ? 'the PDF has no text layer (a scan?): there is no text to search' : null;
      await index.put({
        ...stat,
        status,
        kind: doc.kind,
        pages,
        chunks: saved.length,
        error: note,
        indexed_at: new Date().toISOString(),
      });
      return { path, outcome: status, chunks: saved.length };
    } catch (err) {
      const message = (err as Error).message;
      await dropDocument(memory.store, memory.graph, path);
      await index.put({ ...base, ...stat, status: 'failed', error: message });
      return { path, outcome: 'failed', chunks: 0, error: message };
    }
  }

  /** An indexed file with the same content whose path no longer exists: this file is it, moved. */
  private async movedFrom(hash: string, path: string): Promise<FileRecord | null> {
    for (const r of await this.deps.index.byHash(hash)) {
      if (r.path !== path && r.status === 'indexed' && !(await this.deps.exists(r.path))) return r;
    }
    return null;
  }

  /** Forgets a file (or every file under a folder): its chunks and its row. Returns the chunks dropped. */
  async drop(path: string): Promise<number> {
    const { index, memory } = this.deps;
    const rows = await index.under(path);
    let dropped = 0;
    for (const r of rows) {
      dropped += await dropDocument(memory.store, memory.graph, r.path);
      await index.delete(r.path);
    }
    return dropped;
  }

  /** A file or folder renamed: rows and chunks follow it. */
  async move(from: string, to: string): Promise<number> {
    const { index, memory } = this.deps;
    let moved = 0;
    for (const r of await index.under(from)) {
      const target = to + r.path.slice(from.length);
      moved += await moveDocument(memory.store, memory.graph, r.path, target);
      await index.rename(r.path, target, r.size, r.mtime_ms);
    }
    return moved;
  }

  /** Resolves when everything queued so far is done. */
  idle(): Promise<unknown> {
    return this.tail;
  }
}
