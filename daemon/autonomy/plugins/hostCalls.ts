// What a plugin may ask the daemon to do: read, list and write files through the allow-list guard and only inside the
// folders its manifest declared, publish plugin.v1 events under its own name, and raise notifications.
import { isAbsolute, relative } from 'node:path';
import * as v from 'valibot';
import type { Bus } from '../../../bus/bus.ts';
import { FileNotFoundError } from '../../files/errors/fileNotFoundError.ts';
import type { FilesService } from '../../files/service.ts';
import type { Notifier } from '../types.ts';
import type { Manifest } from './manifest.ts';
import { PluginError } from './pluginError.ts';
import type { HostOp } from './runtime/protocol.ts';

/** A file a plugin reads through the daemon is returned as text: larger ones are refused. */
const READ_MAX_BYTES = 4 * 1024 * 1024;
/** Event types the host publishes about plugins; a plugin may not forge them. */
const RESERVED = /^plugin\./;

export interface Grant {
  read: string[];
  write: string[];
}

export interface HostCallDeps {
  files: FilesService;
  bus: Bus;
  notifier?: Notifier;
}

const PathArgs = v.object({ path: v.pipe(v.string('path must be a string'), v.minLength(1, 'path is empty')) });
const WriteArgs = v.object({
  path: v.pipe(v.string('path must be a string'), v.minLength(1, 'path is empty')),
  content: v.pipe(v.string('content must be a string'), v.maxLength(READ_MAX_BYTES, 'content is over 4 MB')),
  overwrite: v.optional(v.boolean(), false),
});
const PublishArgs = v.object({
  type: v.pipe(
    v.string(),
    v.regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'an event type is lowercase letters, digits, ".", "_" or "-"'),
    v.check((t) => !RESERVED.test(t), 'event types starting with "plugin." are the daemon\'s own'),
  ),
  payload: v.record(v.string(), v.unknown(), 'payload must be an object'),
});
const NotifyArgs = v.object({
  title: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  body: v.pipe(v.string(), v.maxLength(4000)),
  level: v.optional(v.picklist(['info', 'warn', 'error'])),
});

const parse = <S extends v.GenericSchema>(schema: S, args: unknown, op: string): v.InferOutput<S> => {
  const r = v.safeParse(schema, args);
  if (r.success) return r.output;
  throw new PluginError('invalid_arguments', `${op}: ${r.issues.map((i) => i.message).join('; ')}`);
};

const inside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/**
 * The real paths of the folders a manifest declares, each checked by the guard (so never outside the allowed
 * folders); a folder that does not exist yet is allowed where it would be. Throws with the reason otherwise.
 */
export async function resolveGrant(files: FilesService, manifest: Manifest): Promise<Grant> {
  const who = `plugin:${manifest.name}`;
  const one = async (folder: string, what: string) => {
    try {
      return (await files.resolve(folder, 'list', who)).path;
    } catch (err) {
      if (err instanceof FileNotFoundError) {
        return (
          (await files.resolve(folder, 'write', who).catch(() => ({ path: null }))).path ?? refuse(folder, what, err)
        );
      }
      return refuse(folder, what, err);
    }
  };
  const refuse = (folder: string, what: string, err: unknown): never => {
    throw new Error(`permissions.fs.${what} "${folder}" cannot be granted: ${(err as Error).message}`);
  };
  const { read, write } = manifest.permissions.fs;
  return {
    read: await Promise.all(read.map((f) => one(f, 'read'))),
    write: await Promise.all(write.map((f) => one(f, 'write'))),
  };
}

export function hostCalls(deps: HostCallDeps, manifest: Manifest, grant: Grant) {
  const name = manifest.name;
  const who = `plugin:${name}`;
  const check = (path: string, roots: string[], what: 'read' | 'write') => {
    if (roots.some((r) => inside(r, path))) return;
    const declared =
      what === 'read'
        ? [...manifest.permissions.fs.read, ...manifest.permissions.fs.write]
        : manifest.permissions.fs.write;
    throw new PluginError(
      'plugin_refused',
      `${name} may not ${what} ${path}: it is outside the folders its plugin.json declares for ${what} (${declared.join(', ') || 'none'})`,
    );
  };
  const readable = [...grant.read, ...grant.write];

  return async (op: HostOp, args: Record<string, unknown>): Promise<unknown> => {
    if (op === 'files.read') {
      const { path } = parse(PathArgs, args, op);
      const target = await deps.files.resolve(path, 'read', who);
      check(target.path, readable, 'read');
      // Checked before reading, so a huge file is never loaded to be refused.
      if ((await deps.files.ops.stat(target)).size > READ_MAX_BYTES) {
        throw new PluginError('plugin_refused', `${target.path} is over 4 MB: plugins read files up to 4 MB`);
      }
      const { data, size } = await deps.files.ops.readFile(target);
      return { path: target.path, text: data.toString('utf8'), size };
    }
    if (op === 'files.list') {
      const { path } = parse(PathArgs, args, op);
      const target = await deps.files.resolve(path, 'list', who);
      check(target.path, readable, 'read');
      const entries = await deps.files.ops.list(target);
      return { path: target.path, entries: entries.map((e) => ({ name: e.name, kind: e.kind, size: e.size })) };
    }
    if (op === 'files.write') {
      const { path, content, overwrite } = parse(WriteArgs, args, op);
      const target = await deps.files.resolve(path, 'write', who);
      check(target.path, grant.write, 'write');
      const info = await deps.files.write(target, content, { overwrite });
      return { path: info.path, bytes: info.bytes };
    }
    if (op === 'publish') {
      const { type, payload } = parse(PublishArgs, args, op);
      const event_id = await deps.bus.publish('plugin.v1', type, { plugin: name, ...payload }, { source: who });
      return { event_id };
    }
    const input = parse(NotifyArgs, args, op);
    const event_id = await deps.bus.publish('plugin.v1', 'notify', { plugin: name, ...input }, { source: who });
    const note = await deps.notifier?.notify({ ...input, source: who });
    return { event_id, notification_id: note?.id ?? null };
  };
}
