// /api/files: list, stat, download (Range), upload (multipart, streamed), delete to the trash and restore, mkdir,
// rename, write, search, ingest jobs. Every path goes through the one guard; refusals are 403/400 with the reason.
import { Readable } from 'node:stream';
import * as v from 'valibot';
import { FileAccessError } from '../files/errors/fileAccessError.ts';
import { TrashItemNotFoundError } from '../files/errors/trashItemNotFoundError.ts';
import type { FilesService } from '../files/service.ts';
import { ApiError, notFound } from './errors.ts';
import { serveFile } from './fileDownload.ts';
import { receiveUpload } from './fileUpload.ts';
import type { ApiRoutes } from './routes.ts';
import { intParam } from './validate.ts';

const WHO = 'user';
const PathText = v.pipe(v.string('path must be a string'), v.minLength(1, 'path must not be empty'));
const Bool = v.optional(v.picklist(['true', 'false', '1', '0'], 'expected true or false'));
const yes = (b: string | undefined) => b === 'true' || b === '1';
const Job = v.record(v.string(), v.unknown());

/** Typed file errors → their HTTP status with the guard's message; everything else is the app's 500. */
export function mapFileError(err: unknown): never {
  if (err instanceof FileAccessError) throw new ApiError(err.status, err.code, err.message);
  if (err instanceof TrashItemNotFoundError) throw notFound(err.message);
  throw err;
}

export function filesRoutes(api: ApiRoutes, deps: { files: FilesService; uploadLimit: () => number }) {
  const { files } = deps;
  const tag = 'files';
  const guarded = <T>(p: Promise<T>) => p.catch(mapFileError);

  api.add(
    {
      method: 'get',
      path: '/api/files',
      summary: 'The allowed folders (no path), a folder’s entries with their ingest status, or one file’s details',
      tag,
      query: v.object({ path: v.optional(PathText) }),
      response: v.record(v.string(), v.unknown()),
      errors: [403, 404],
    },
    async (c, { query }) => {
      if (!query.path) return c.json({ roots: files.roots() });
      const target = await guarded(files.resolve(query.path, 'list', WHO));
      if (target.kind === 'missing') throw notFound(`nothing is at ${JSON.stringify(query.path)}`);
      if (target.kind === 'file') {
        const info = await guarded(files.ops.stat(target));
        const row = (await files.status([target.path])).get(target.path);
        return c.json({ ...info, ingest: row ?? null });
      }
      const entries = await guarded(files.ops.list(target));
      const status = await files.status(entries.filter((e) => e.kind === 'file').map((e) => e.path));
      return c.json({
        path: target.path,
        root: target.root,
        kind: 'dir',
        entries: entries.map((e) => {
          const row = status.get(e.path);
          return { ...e, ingest: row ? { status: row.status, chunks: row.chunks, error: row.error } : null };
        }),
      });
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/files/download',
      summary: 'A file’s bytes, streamed, with its content type; supports Range requests',
      tag,
      query: v.object({ path: PathText, inline: Bool }),
      errors: [403, 404, 416],
    },
    async (c, { query }) => {
      const target = await guarded(files.resolve(query.path, 'read', WHO));
      const opened = await guarded(files.ops.openForRead(target));
      return serveFile(c, opened, target.name, { inline: yes(query.inline) });
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/files/upload',
      summary: 'Upload files (multipart/form-data) into a folder; a taken name gets " (1)" unless overwrite=true',
      tag,
      query: v.object({ path: PathText, overwrite: Bool }),
      status: 201,
      response: v.object({ files: v.array(v.record(v.string(), v.unknown())) }),
      errors: [403, 404, 409, 413, 415],
    },
    async (c, { query }) => {
      // The folder is only listed into (it may be a root itself); each file's own path is checked for writing.
      const dir = await guarded(files.resolve(query.path, 'list', WHO));
      if (dir.kind !== 'dir') throw notFound(`${JSON.stringify(query.path)} is not a folder to upload into`);
      const saved = await receiveUpload(c, deps.uploadLimit(), async (name, stream) => {
        const target = await guarded(files.resolve(`${dir.path}/${name}`, 'write', WHO));
        const overwrite = yes(query.overwrite);
        return guarded(files.write(target, Readable.from(stream), { overwrite, rename: !overwrite }));
      });
      return c.json({ files: saved }, 201);
    },
  );

  api.add(
    {
      method: 'delete',
      path: '/api/files',
      summary: 'Move a file or folder to the trash (restorable)',
      tag,
      query: v.object({ path: PathText }),
      response: v.record(v.string(), v.unknown()),
      errors: [403, 404],
    },
    async (c, { query }) => {
      const target = await guarded(files.resolve(query.path, 'delete', WHO));
      if (target.kind === 'missing') throw notFound(`nothing is at ${JSON.stringify(query.path)} to delete`);
      return c.json(await guarded(files.delete(target)));
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/files/trash',
      summary: 'What is in the trash, newest first',
      tag,
      response: v.object({ items: v.array(v.record(v.string(), v.unknown())), keep_days: v.number() }),
    },
    async (c) => c.json({ items: await files.trash.list(), keep_days: files.trashDays() }),
  );

  api.add(
    {
      method: 'post',
      path: '/api/files/trash/:id/restore',
      summary: 'Put a trashed item back where it was (with " (1)" if the name is taken now)',
      tag,
      params: v.object({ id: v.string() }),
      response: v.object({ path: v.string() }),
      errors: [403, 404],
    },
    async (c, { params }) => c.json({ path: await guarded(files.restore(params.id, WHO)) }),
  );

  api.add(
    {
      method: 'delete',
      path: '/api/files/trash',
      summary: 'Empty the trash: everything, or with older=true only items past folders.trash_days',
      tag,
      query: v.object({ older: Bool }),
      response: v.object({ removed: v.number() }),
    },
    async (c, { query }) => c.json({ removed: await files.emptyTrash(!yes(query.older)) }),
  );

  api.add(
    {
      method: 'post',
      path: '/api/files/mkdir',
      summary: 'Create a folder (and missing parents) inside an allowed folder',
      tag,
      body: v.strictObject({ path: PathText }),
      status: 201,
      response: v.record(v.string(), v.unknown()),
      errors: [403, 409],
    },
    async (c, { body }) => {
      const target = await guarded(files.resolve(body.path, 'write', WHO));
      return c.json(await guarded(files.ops.mkdir(target)), 201);
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/files/rename',
      summary: 'Rename or move a file or folder within the allowed folders',
      tag,
      body: v.strictObject({ from: PathText, to: PathText, overwrite: v.optional(v.boolean()) }),
      response: v.record(v.string(), v.unknown()),
      errors: [403, 404, 409],
    },
    async (c, { body }) => {
      const from = await guarded(files.resolve(body.from, 'delete', WHO));
      const to = await guarded(files.resolve(body.to, 'write', WHO));
      return c.json(await guarded(files.rename(from, to, body.overwrite ?? false)));
    },
  );

  api.add(
    {
      method: 'put',
      path: '/api/files/content',
      summary: 'Write a text file (atomic); an existing file is replaced only with overwrite=true',
      tag,
      body: v.strictObject({ path: PathText, text: v.string(), overwrite: v.optional(v.boolean()) }),
      status: 201,
      response: v.record(v.string(), v.unknown()),
      errors: [403, 409],
    },
    async (c, { body }) => {
      const target = await guarded(files.resolve(body.path, 'write', WHO));
      return c.json(await guarded(files.write(target, body.text, { overwrite: body.overwrite ?? false })), 201);
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/files/search',
      summary: 'Files ranked for a question (hybrid retrieval over their chunks), with the best snippet and page',
      tag,
      query: v.object({
        q: v.pipe(v.string(), v.minLength(1, 'q must not be empty'), v.maxLength(2000, 'q is too long')),
        k: v.optional(intParam(1, 100, 'k'), '10'),
      }),
      response: v.object({ results: v.array(v.record(v.string(), v.unknown())) }),
    },
    async (c, { query }) => c.json({ results: await files.search(query.q, Number(query.k)) }),
  );

  api.add(
    {
      method: 'post',
      path: '/api/files/ingest',
      summary: 'Index files now (force=true re-reads unchanged ones); answers with the job to follow',
      tag,
      body: v.strictObject({
        paths: v.pipe(v.array(PathText), v.minLength(1, 'send at least one path'), v.maxLength(1000)),
        force: v.optional(v.boolean()),
      }),
      status: 202,
      response: Job,
      errors: [403, 404],
    },
    async (c, { body }) => {
      const paths: string[] = [];
      for (const p of body.paths) {
        const t = await guarded(files.resolve(p, 'read', WHO));
        if (t.kind !== 'file') throw notFound(`${JSON.stringify(p)} is not a file`);
        paths.push(t.path);
      }
      return c.json(files.ingestFiles(paths, { force: body.force }), 202);
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/files/rescan',
      summary: 'Walk every allowed folder: index new and changed files, forget deleted ones',
      tag,
      status: 202,
      response: Job,
    },
    async (c) => c.json(files.rescan().job, 202),
  );

  api.add(
    {
      method: 'get',
      path: '/api/files/jobs',
      summary: 'Ingest jobs with their progress, newest first',
      tag,
      response: v.object({ jobs: v.array(Job) }),
    },
    async (c) => c.json({ jobs: files.jobs.list() }),
  );

  api.add(
    {
      method: 'get',
      path: '/api/files/jobs/:id',
      summary: 'One ingest job’s progress',
      tag,
      params: v.object({ id: v.string() }),
      response: Job,
      errors: [404],
    },
    async (c, { params }) => {
      const job = files.jobs.get(params.id);
      if (!job) throw notFound(`no ingest job has the id ${params.id}`);
      return c.json(job);
    },
  );
}
