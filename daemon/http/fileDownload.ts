// Streams an opened file as an HTTP answer: content type by extension, a download name that survives any script,
// and single byte ranges (206, or 416 with the size) so players and resumable downloads work.
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import type { OpenedFile } from '../files/fsOps.ts';
import { ApiError } from './errors.ts';

const TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json',
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.mp3': 'audio/mpeg',
  '.mp4': 'video/mp4',
  '.zip': 'application/zip',
};

export const contentTypeOf = (name: string) => TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';

/** RFC 6266: an ASCII fallback plus the exact UTF-8 name, so «Договор.pdf» downloads as itself. */
export function contentDisposition(name: string, inline: boolean): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** "bytes=a-b" | "bytes=a-" | "bytes=-n" → [start, end] inclusive, or null when absent or not one simple range. */
export function parseRange(header: string | undefined, size: number): [number, number] | 'unsatisfiable' | null {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return [start, end];
}

export function serveFile(c: Context, opened: OpenedFile, name: string, opts: { inline: boolean }): Response {
  const { handle, size } = opened;
  const headers: Record<string, string> = {
    'content-type': contentTypeOf(name),
    // Inline HTML or SVG from the user's folders must not run as script on the daemon's origin.
    'content-disposition': contentDisposition(name, opts.inline),
    'content-security-policy': "default-src 'none'; sandbox",
    'accept-ranges': 'bytes',
    'last-modified': new Date(opened.mtimeMs).toUTCString(),
    'cache-control': 'no-store',
  };
  const range = parseRange(c.req.header('range'), size);
  if (range === 'unsatisfiable') {
    void handle.close().catch(() => {});
    throw new ApiError(416, 'range_not_satisfiable', `the file has ${size} bytes: that range is outside it`, {
      'content-range': `bytes */${size}`,
    });
  }
  headers['content-length'] = '0';
  if (size === 0) {
    void handle.close().catch(() => {});
    return c.body(null, 200, headers);
  }
  const [start, end] = range ?? [0, size - 1];
  const stream = handle.createReadStream({ start, end, autoClose: true });
  headers['content-length'] = String(end - start + 1);
  if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
  return c.body(Readable.toWeb(stream) as ReadableStream<Uint8Array>, range ? 206 : 200, headers);
}
