// write_file: a text file written atomically through the guard (temp file + rename or link); an existing file is only
// replaced with overwrite: true — otherwise the result says it exists and nothing changes. Missing folders are made.
import { dirname } from 'node:path';
import * as v from 'valibot';
import { FileExistsError } from '../../files/errors/fileExistsError.ts';
import { pathArg } from './args.ts';
import { defineTool, toolError } from './define.ts';

/** The most characters one call writes (about 1 MB of text). */
export const MAX_WRITE_CHARS = 1_000_000;

const schema = v.strictObject({
  path: pathArg(
    'Where to write: absolute, or relative to the home folder, e.g. "Desktop/notes/summary.md". Missing folders are created.',
  ),
  content: v.pipe(
    v.string('expected the content as a string'),
    v.maxLength(MAX_WRITE_CHARS, `expected at most ${MAX_WRITE_CHARS} characters`),
    v.description('The whole text of the file (UTF-8).'),
  ),
  overwrite: v.optional(
    v.pipe(
      v.boolean('expected true or false'),
      v.description('Replace the file if it exists. Only when the user asked to replace that file; default false.'),
    ),
    false,
  ),
});

const exists = (path: string) =>
  toolError(
    'exists',
    `${path} already exists and was left unchanged. Ask the user whether to replace it (then call write_file again with overwrite: true) or write to another name.`,
    { reason: 'exists', path },
  );

export const writeFile = defineTool({
  name: 'write_file',
  description:
    "Writes a text file in the user's allowed folders, atomically (a reader never sees half a file). An existing file is never replaced unless overwrite is true: without it the result says the file exists and nothing is written.",
  schema,
  risk: 'write',
  async run({ path, content, overwrite }, { files, who }) {
    let target = await files.resolve(path, 'write', who);
    if (target.kind === 'dir') {
      return toolError('bad_path', `${target.path} is a folder; give a file name inside it`, {
        reason: 'is_a_directory',
      });
    }
    if (target.kind === 'file' && !overwrite) return exists(target.path);
    let createdFolders = false;
    const parent = dirname(target.path);
    if (target.kind === 'missing' && target.existing !== parent) {
      await files.ops.mkdir(await files.resolve(parent, 'write', who));
      createdFolders = true;
      target = await files.resolve(target.path, 'write', who);
    }
    try {
      const info = await files.write(target, content, { overwrite });
      return {
        path: info.path,
        bytes: info.bytes,
        replaced: target.kind === 'file',
        ...(createdFolders ? { created_folders: parent } : {}),
      };
    } catch (err) {
      // Created by someone else between the check and the write: still never replaced.
      if (err instanceof FileExistsError) return exists(target.path);
      throw err;
    }
  },
});
