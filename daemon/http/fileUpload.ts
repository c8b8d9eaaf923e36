// Reads a multipart upload as it arrives (busboy): each file part is handed to `save` as a stream, so a large file
// never sits in memory; a part over the size limit is cut off with 413 and its temp file removed by the writer.
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import busboy from 'busboy';
import type { Context } from 'hono';
import { ApiError, badRequest } from './errors.ts';

export type UploadOutcome = object | { name: string; error: { code: string; message: string } };

const errorOf = (err: unknown) =>
  err instanceof ApiError || (err as { code?: unknown }).code
    ? { code: String((err as { code: string }).code), message: (err as Error).message }
    : { code: 'upload_failed', message: (err as Error).message };

/**
 * Saves every file part; answers each file's outcome. When every file failed, the first failure is thrown so the
 * status says what happened (413 too large, 409 exists, 403 refused).
 */
export async function receiveUpload(
  c: Context,
  limitBytes: number,
  save: (name: string, data: AsyncIterable<Uint8Array>) => Promise<object>,
): Promise<UploadOutcome[]> {
  const type = c.req.header('content-type') ?? '';
  if (!/^multipart\/form-data\s*;/i.test(type)) {
    throw new ApiError(415, 'multipart_required', 'send the files as multipart/form-data (a form with file fields)');
  }
  const body = c.req.raw.body;
  if (!body) throw badRequest('no_files', 'the upload has no body: nothing was uploaded');
  const mb = Math.round(limitBytes / 1024 / 1024);
  const input = Readable.fromWeb(body as WebReadableStream<Uint8Array>);
  const outcomes: Promise<UploadOutcome>[] = [];
  const failures: unknown[] = [];
  const parser = busboy({
    headers: { 'content-type': type },
    limits: { fileSize: limitBytes, files: 100, fields: 50 },
    defParamCharset: 'utf8',
  });
  parser.on('file', (_field, stream, info) => {
    const name = info.filename;
    if (!name || /[/\\]/.test(name)) {
      stream.resume();
      const err = badRequest(
        'bad_file_name',
        `a file name must be a plain name, without folders: got ${JSON.stringify(name ?? '')}`,
      );
      failures.push(err);
      outcomes.push(Promise.resolve({ name: name ?? '', error: errorOf(err) }));
      return;
    }
    stream.on('limit', () =>
      stream.destroy(
        new ApiError(
          413,
          'file_too_large',
          `${name} is over the upload limit of ${mb} MB (settings: limits.upload_mb)`,
        ),
      ),
    );
    outcomes.push(
      save(name, stream).catch((err: unknown) => {
        failures.push(err);
        // A writer that failed mid-file (disk full) destroyed the part's stream: busboy would wait on it for ever.
        // Stop parsing and drain the request instead; the parts already handled keep their outcomes.
        if (stream.destroyed) abandon();
        else stream.resume();
        return { name, error: errorOf(err) };
      }),
    );
  });
  let abandon = () => {};
  const parsed = new Promise<void>((resolve, reject) => {
    abandon = () => {
      input.unpipe(parser);
      input.resume();
      resolve();
    };
    parser.on('close', resolve);
    parser.on('error', (err) =>
      reject(badRequest('bad_multipart', `the upload is not valid multipart data: ${(err as Error).message}`)),
    );
  });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  await parsed;
  const results = await Promise.all(outcomes);
  if (results.length === 0) throw badRequest('no_files', 'the form has no file field: nothing was uploaded');
  if (failures.length === results.length) throw failures[0];
  return results;
}
