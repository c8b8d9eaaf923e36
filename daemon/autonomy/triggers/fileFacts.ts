// What a reaction says about an event's file: its name, where it is as the user names it, whether it is searchable
// (waiting for its ingestion, shared with the `memory` group's run of the same file) and how its text begins.
import { lstat } from 'node:fs/promises';
import { basename, relative, sep } from 'node:path';
import { documentChunkIds } from '../../../memory/documents.ts';
import type { MemoryService } from '../../../memory/service.ts';
import type { IngestStatus } from '../../files/fileIndex.ts';
import { isIngestible } from '../../files/ingest.ts';
import type { FilesService } from '../../files/service.ts';

export interface FileFacts {
  name: string;
  path: string;
  /** "Downloads/invoice.pdf" when it is inside an allowed folder, else the absolute path. */
  shown: string;
  exists: boolean;
  /** null when Titan does not read this kind of file or it is gone. */
  status: IngestStatus | null;
  chunks: number;
  error: string | null;
  /** The first passage of its text, when it has one. */
  snippet: string | null;
}

const SNIPPET_CHARS = 600;

export async function fileFacts(path: string, files: FilesService, memory: MemoryService): Promise<FileFacts> {
  const root = files.guard.rootOf(path);
  const rel = root ? relative(root, path).split(sep).join('/') : '';
  const facts: FileFacts = {
    name: basename(path),
    path,
    shown: root && rel ? `${basename(root)}/${rel}` : path,
    exists: await lstat(path).then(
      () => true,
      () => false,
    ),
    status: null,
    chunks: 0,
    error: null,
    snippet: null,
  };
  if (!facts.exists || !isIngestible(path)) return facts;
  // Idempotent by content hash: joins the memory group's queued run of this file, or finds it unchanged.
  const result = await files.ingestor.ingest(path);
  const row = (await files.status([path])).get(path);
  facts.status = row?.status ?? (result.outcome === 'failed' ? 'failed' : null);
  facts.chunks = row?.chunks ?? result.chunks;
  facts.error = row?.error ?? result.error ?? null;
  const [first] = await documentChunkIds(memory.store, path);
  if (first) {
    const text = (await memory.store.get(first))?.text.replace(/\s+/g, ' ').trim() ?? '';
    facts.snippet = text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS - 1)}…` : text || null;
  }
  return facts;
}
