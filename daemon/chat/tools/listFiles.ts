// list_files: the allowed folders, or one folder's entries (name, kind, size, time, ingest status), capped.
import * as v from 'valibot';
import { pathArg } from './args.ts';
import { defineTool } from './define.ts';

/** Entries shown per call; the result says how many more there are. */
export const MAX_ENTRIES = 200;

const schema = v.strictObject({
  path: v.optional(
    pathArg(
      'The folder (or file) to look at: absolute, or relative to the home folder, e.g. "Desktop" or "Downloads/Invoices". Leave it out to get the allowed folders.',
    ),
  ),
});

export const listFiles = defineTool({
  name: 'list_files',
  description:
    "Lists what is in one of the user's allowed folders: each entry's name, kind (file or dir), size in bytes, modification time and whether it is indexed for search. Without a path, returns the allowed folders themselves — start there when you do not know where a file is.",
  schema,
  risk: 'read',
  async run({ path }, { files, who }) {
    if (path === undefined) {
      return {
        roots: files
          .roots()
          .map((r) => ({ path: r.path, exists: r.exists, ...(r.problem ? { problem: r.problem } : {}) })),
        note: 'These are the folders you may use; list one of them (or a folder inside) to see its files.',
      };
    }
    const target = await files.resolve(path, 'list', who);
    if (target.kind === 'file') {
      const info = await files.ops.stat(target);
      const row = (await files.status([target.path])).get(target.path);
      return { path: info.path, kind: 'file', size: info.size, mtime: info.mtime, ingest: row?.status ?? null };
    }
    const entries = await files.ops.list(target);
    const shown = entries.slice(0, MAX_ENTRIES);
    const status = await files.status(shown.filter((e) => e.kind === 'file').map((e) => e.path));
    const more = entries.length - shown.length;
    return {
      path: target.path,
      kind: 'dir',
      total: entries.length,
      entries: shown.map((e) => ({
        name: e.name,
        kind: e.kind,
        ...(e.kind === 'file' ? { size: e.size } : {}),
        mtime: e.mtime,
        ...(e.kind === 'file' ? { ingest: status.get(e.path)?.status ?? null } : {}),
        ...(e.note ? { note: e.note } : {}),
      })),
      ...(more > 0 ? { more, note: `showing the first ${shown.length} of ${entries.length} entries` } : {}),
    };
  },
});
