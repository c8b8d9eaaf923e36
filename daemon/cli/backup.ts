// `titan backup [--out file]`: settings (without secrets), Titan's SQL tables, memories with vectors and graph, and
// the trash, into one .tar.gz — while no daemon uses the data dir (the embedded database is single-process).
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SettingsStore } from '../config/settingsStore.ts';
import { openEngines } from '../storage/engines.ts';
import { exportData } from './backupData.ts';
import { settingsForBackup } from './backupSettings.ts';
import { runningDaemon } from './daemonMark.ts';
import { CliError, type Command, parseArgs } from './io.ts';
import { TarWriter } from './tar.ts';
import { VERSION } from './version.ts';

export const BACKUP_FORMAT = 'titan-backup';

/** Backup and restore need the data to themselves: refuse while a daemon runs on this data dir. */
export function refuseWhileRunning(dataDir: string, what: string): void {
  const running = runningDaemon(dataDir);
  if (running) {
    throw new CliError(
      'daemon_running',
      `a Titan is running on ${dataDir} (pid ${running.pid}, ${running.url}): stop it first, then ${what}`,
    );
  }
}

async function addTree(tar: TarWriter, dir: string, name: string): Promise<number> {
  let files = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const st = await stat(path);
    if (entry.isDirectory()) {
      await tar.addDir(`${name}/${entry.name}`, { mtime: st.mtime });
      files += await addTree(tar, path, `${name}/${entry.name}`);
    } else if (entry.isFile()) {
      await tar.add(`${name}/${entry.name}`, await readFile(path), { mode: st.mode, mtime: st.mtime });
      files++;
    }
  }
  return files;
}

const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-');

export const backup: Command = {
  async run(argv, io) {
    const { flags, rest } = parseArgs(argv, ['out']);
    if (rest.length || [...flags.keys()].some((k) => k !== 'out')) {
      throw new CliError('usage', 'usage: titan backup [--out <file>]', 2);
    }
    const store = new SettingsStore(io.env);
    refuseWhileRunning(store.dir, 'back up');
    const now = new Date();
    const out = resolve(
      typeof flags.get('out') === 'string' ? (flags.get('out') as string) : `titan-backup-${stamp(now)}.tar.gz`,
    );
    if (existsSync(out)) throw new CliError('exists', `${out} already exists: choose another --out`);
    const settings = store.get();
    const engines = await openEngines(settings, store.dir);
    try {
      const { data, summary } = await exportData({ sql: engines.sql, neo4j: engines.neo4j, settings });
      const tar = new TarWriter(out);
      const trash = join(store.dir, 'trash');
      await tar.addDir('trash');
      const trashFiles = existsSync(trash) ? await addTree(tar, trash, 'trash') : 0;
      for (const [name, text] of data) await tar.add(name, text);
      await tar.add('settings.json', `${JSON.stringify(settingsForBackup(settings), null, 2)}\n`);
      const manifest = {
        format: BACKUP_FORMAT,
        version: 1,
        titan_version: VERSION,
        created_at: now.toISOString(),
        engines: { sql: engines.sql.engine, graph: engines.neo4j ? 'neo4j' : 'sql' },
        secrets: 'excluded: the API key, service passwords and the S3 secret are not in this archive',
        ...summary,
        trash_files: trashFiles,
      };
      await tar.add('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
      await tar.close();
      const rows = Object.values(summary.tables).reduce((a, b) => a + b, 0);
      io.out(`wrote ${out}\n`);
      io.out(
        `  ${summary.memories} memories, ${summary.entities} entities, ${summary.relations} relations, ` +
          `${rows} rows in ${Object.keys(summary.tables).length} tables, ${trashFiles} files in the trash\n`,
      );
      io.out('  secrets (API key, passwords) are not included: a restore keeps the target’s own\n');
      return 0;
    } finally {
      await engines.close();
    }
  },
};
