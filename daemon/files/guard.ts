// The one allow-list guard for HTTP, chat tools, plugins and MCP: a path string becomes the real path inside an
// allowed root (symlinks resolved and re-checked, compared with path.relative) or a typed refusal; every answer is audited.
import { realpathSync } from 'node:fs';
import { lstat, readdir, realpath } from 'node:fs/promises';
import nodePath from 'node:path';
import { BadPathError } from './errors/badPathError.ts';
import { FileAccessError } from './errors/fileAccessError.ts';
import { FileNotFoundError } from './errors/fileNotFoundError.ts';
import { PathRefusedError } from './errors/pathRefusedError.ts';
import { describeInput, parsePathText } from './guardRules.ts';

export type Intent = 'read' | 'write' | 'list' | 'delete';

/** One line of the file audit trail: who asked for what, where it resolved, and why it was refused if it was. */
export interface FileAuditRecord {
  event: string;
  ok: boolean;
  who: string;
  /** The intent checked (read, write, list, delete) or the operation done (write, mkdir, rename, …). */
  action: string;
  input?: string;
  path?: string;
  to?: string;
  root?: string;
  bytes?: number;
  code?: string;
  reason?: string;
  message?: string;
}

export interface GuardOptions {
  /** The allowed folders, absolute; each is realpath'd once here (a missing one when it first appears). */
  roots: string[];
  /** The user's home folder, absolute: relative API paths (`Desktop/a.pdf`) are resolved against it. */
  home: string;
  /** Decides the separator, drive letters and case folding of the lexical check. Default: process.platform. */
  platform?: NodeJS.Platform;
  /** Receives one record per decision and per operation. Default: records are dropped. */
  audit?: (record: FileAuditRecord) => void;
}

export interface Identity {
  dev: bigint;
  ino: bigint;
}

export interface ResolvedPath {
  /** The real absolute path: symlinks resolved; for a missing target, the real existing ancestor plus the new names. */
  path: string;
  /** The real path of the allowed root that holds it. */
  root: string;
  /** `path` relative to `root`, `/`-separated; '' for the root itself. */
  relative: string;
  name: string;
  kind: 'file' | 'dir' | 'missing';
  /** dev and inode at check time, so an operation can tell that the thing it opens is the thing checked. */
  identity: Identity | null;
  /** The real deepest existing ancestor: `path` itself unless kind is 'missing'. */
  existing: string;
  intent: Intent;
  who: string;
}

export interface Guard {
  /** The configured roots (absolute, normalised). */
  readonly roots: readonly string[];
  resolve(input: unknown, intent: Intent, options?: { who?: string }): Promise<ResolvedPath>;
  /** The real root holding a real path, or null: for re-checks at the moment of use. */
  rootOf(realPath: string): string | null;
  audit(record: FileAuditRecord): void;
}

interface Root {
  configured: string;
  real: string | null;
}

const errno = (err: unknown) => (err as NodeJS.ErrnoException).code;

function realOrNull(path: string): string | null {
  try {
    return realpathSync.native(path);
  } catch {
    return null;
  }
}

export function createGuard(options: GuardOptions): Guard {
  const platform = options.platform ?? process.platform;
  const p = platform === 'win32' ? nodePath.win32 : nodePath.posix;
  const fold = platform === 'darwin' ? (s: string) => s.toLowerCase() : (s: string) => s;
  const sink = options.audit ?? (() => {});
  if (!p.isAbsolute(options.home)) throw new Error(`the home folder must be an absolute path, not "${options.home}"`);
  const home = p.resolve(options.home);
  const roots: Root[] = options.roots.map((root) => {
    if (!p.isAbsolute(root)) throw new Error(`an allowed root must be an absolute path, not "${root}"`);
    return { configured: p.resolve(root), real: realOrNull(root) };
  });
  const listed = roots.map((r) => r.configured).join(', ');

  /** Containment by path.relative, never by string prefix: `Desktop2` is not inside `Desktop`. */
  const within = (root: string, path: string) => {
    const rel = p.relative(fold(root), fold(path));
    return rel === '' || (rel !== '..' && !rel.startsWith(`..${p.sep}`) && !p.isAbsolute(rel));
  };

  function rootOf(realPath: string): string | null {
    let best: string | null = null;
    for (const r of roots) {
      if (r.real === null) r.real = realOrNull(r.configured);
      if (r.real !== null && within(r.real, realPath) && (best === null || r.real.length > best.length)) best = r.real;
    }
    return best;
  }

  const outside = (shown: string) =>
    new PathRefusedError('outside_roots', `${shown} is outside the allowed folders (${listed || 'none configured'})`);

  /** realpath of the deepest existing ancestor; the missing names below it; an NFD/NFC twin on disk is used as is. */
  async function realAncestor(candidate: string, shown: string): Promise<{ real: string; missing: string[] }> {
    let existing = candidate;
    const missing: string[] = [];
    for (let step = 0; step < 10_000; step++) {
      let real: string;
      try {
        real = await realpath(existing);
      } catch (err) {
        const code = errno(err);
        if ((code === 'ENOENT' || code === 'ENOTDIR') && p.dirname(existing) !== existing) {
          missing.unshift(p.basename(existing));
          existing = p.dirname(existing);
          continue;
        }
        if (code === 'ELOOP')
          throw new PathRefusedError('symlink_loop', `${shown} goes through a loop of symbolic links`);
        if (code === 'EACCES' || code === 'EPERM') throw new PathRefusedError('no_access', `${shown} cannot be read`);
        if (code === 'ENAMETOOLONG') throw new BadPathError('too_long', `${shown} is too long for the file system`);
        throw err;
      }
      const next = missing[0];
      if (next === undefined) return { real, missing };
      const probe = await lstat(p.join(real, next)).catch(() => null);
      if (probe?.isSymbolicLink()) {
        throw new PathRefusedError('dangling_symlink', `${shown} goes through a symbolic link to nothing`);
      }
      if (probe === null) {
        const twin = await sameNameOnDisk(real, next);
        if (twin === null) return { real, missing };
        missing[0] = twin;
      }
      // A twin name found, or the name appeared meanwhile: resolve again from there.
      existing = p.join(real, ...missing);
      missing.length = 0;
    }
    throw new PathRefusedError('changed', `${shown} kept changing while it was checked`);
  }

  async function locate(input: unknown, intent: Intent, who: string): Promise<ResolvedPath> {
    const shown = describeInput(input);
    const parsed = parsePathText(input, platform);
    const candidate = p.join(parsed.base ?? home, ...parsed.segments);
    const lexical = roots.filter((r) => within(r.configured, candidate) || (r.real && within(r.real, candidate)));
    if (lexical.length === 0) throw outside(shown);
    if (lexical.every((r) => r.real === null && realOrNull(r.configured) === null)) {
      throw new FileNotFoundError(`the allowed folder ${lexical[0]?.configured} does not exist`);
    }
    const { real, missing } = await realAncestor(candidate, shown);
    const root = rootOf(real);
    if (root === null) {
      throw new PathRefusedError(
        'symlink_escape',
        `${shown} leads outside the allowed folders through a symbolic link`,
      );
    }
    const path = p.join(real, ...missing);
    const st = await lstat(real, { bigint: true }).catch(() => {
      throw new PathRefusedError('changed', `${shown} changed while it was checked`);
    });
    const identity = { dev: st.dev, ino: st.ino };
    if (!st.isFile() && !st.isDirectory()) {
      if (st.isSymbolicLink()) throw new PathRefusedError('changed', `${shown} changed while it was checked`);
      throw new PathRefusedError('not_regular', `${shown} is not a regular file or folder (a pipe, socket or device)`);
    }
    if (missing.length > 0 && !st.isDirectory()) {
      throw new BadPathError('not_a_directory', `${shown} goes through ${describeInput(p.basename(real))}, a file`);
    }
    const relative = p.relative(root, path).split(p.sep).join('/');
    if (relative === '' && (intent === 'write' || intent === 'delete')) {
      throw new PathRefusedError(
        'root_itself',
        `${shown} is an allowed folder itself; it cannot be replaced or deleted`,
      );
    }
    const kind = missing.length > 0 ? 'missing' : st.isDirectory() ? 'dir' : 'file';
    if (kind === 'missing' && intent !== 'write') throw new FileNotFoundError(`${shown} does not exist`);
    return {
      path,
      root,
      relative,
      name: p.basename(path),
      kind,
      identity: kind === 'missing' ? null : identity,
      existing: real,
      intent,
      who,
    };
  }

  return {
    roots: roots.map((r) => r.configured),
    rootOf,
    audit: sink,
    async resolve(input, intent, opts = {}) {
      const who = opts.who ?? 'unknown';
      const shown = describeInput(input);
      try {
        const target = await locate(input, intent, who);
        sink({
          event: 'file.allowed',
          ok: true,
          who,
          action: intent,
          input: shown,
          path: target.path,
          root: target.root,
        });
        return target;
      } catch (err) {
        const known = err instanceof FileAccessError;
        sink({
          event: 'file.refused',
          ok: false,
          who,
          action: intent,
          input: shown,
          code: known ? err.code : 'error',
          reason: known ? err.reason : (errno(err) ?? 'error'),
          message: (err as Error).message,
        });
        throw err;
      }
    },
  };
}

/** An entry of `dir` whose NFC form equals `name` (a name written in NFD by another program), or null. */
async function sameNameOnDisk(dir: string, name: string): Promise<string | null> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries.find((e) => e !== name && e.normalize('NFC') === name) ?? null;
}
