// `titan restore <file> [--force]`: brings a `titan backup` archive back into an empty data dir (or, with --force,
// one whose data is wiped first). The target keeps its secrets, server address and services.
import { existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as v from 'valibot';
import { SettingsStore } from '../config/settingsStore.ts';
import { openEngines } from '../storage/engines.ts';
import { BACKUP_FORMAT, refuseWhileRunning } from './backup.ts';
import { type DataSet, existingData, importData, unknownTables, wipeData } from './backupData.ts';
import { settingsForRestore } from './backupSettings.ts';
import { CliError, type Command, parseArgs } from './io.ts';
import { readTarGz, type TarEntry } from './tar.ts';

const Manifest = v.object({ format: v.literal(BACKUP_FORMAT), version: v.literal(1), titan_version: v.string() });

/** Writes the trash entries under <data>/trash, refusing any name that would land outside it. */
function restoreTrash(entries: TarEntry[], dataDir: string): number {
  const root = join(dataDir, 'trash');
  let files = 0;
  for (const e of entries) {
    if (!e.name.startsWith('trash/')) continue;
    const target = resolve(dataDir, e.name);
    const rel = relative(root, target);
    if (rel.startsWith('..') || rel === '' || e.name.includes('\0')) continue;
    if (e.type === 'dir') mkdirSync(target, { recursive: true, mode: 0o700 });
    else {
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      writeFileSync(target, e.data, { mode: e.mode & 0o777 });
      utimesSync(target, e.mtime, e.mtime);
      files++;
    }
  }
  return files;
}

export const restore: Command = {
  async run(argv, io) {
    const { flags, rest } = parseArgs(argv);
    const force = flags.has('force');
    if (rest.length !== 1 || [...flags.keys()].some((k) => k !== 'force')) {
      throw new CliError('usage', 'usage: titan restore <backup.tar.gz> [--force]', 2);
    }
    const file = resolve(rest[0] as string);
    if (!existsSync(file)) throw new CliError('not_found', `${file} does not exist`);
    const store = new SettingsStore(io.env);
    refuseWhileRunning(store.dir, 'restore');

    let entries: TarEntry[];
    try {
      entries = await readTarGz(file);
    } catch (err) {
      throw new CliError('invalid_backup', (err as Error).message);
    }
    const doc = (name: string) => entries.find((e) => e.type === 'file' && e.name === name)?.data.toString('utf8');
    const manifest = v.safeParse(Manifest, JSON.parse(doc('manifest.json') ?? 'null'));
    if (!manifest.success)
      throw new CliError('invalid_backup', `${file} is not a Titan backup (no valid manifest.json)`);
    const backupSettings = doc('settings.json');
    if (backupSettings === undefined) throw new CliError('invalid_backup', `${file} has no settings.json`);
    const settings = settingsForRestore(JSON.parse(backupSettings), store.get(), `${file}: settings.json`);
    const data: DataSet = new Map(
      entries
        .filter((e) => e.type === 'file' && (e.name === 'memory.jsonl' || e.name.startsWith('sql/')))
        .map((e) => [e.name, e.data.toString('utf8')]),
    );

    const engines = await openEngines(settings, store.dir);
    try {
      const target = { sql: engines.sql, neo4j: engines.neo4j, settings };
      const existing = await existingData(target);
      const trash = join(store.dir, 'trash');
      const trashItems = existsSync(trash) ? readdirSync(trash).length : 0;
      if ((Object.keys(existing).length || trashItems) && !force) {
        const what = Object.entries(existing).map(([t, n]) => `${n} in ${t}`);
        if (trashItems) what.push(`${trashItems} in the trash`);
        throw new CliError(
          'not_empty',
          `the target already holds data (${what.join(', ')}): restore into an empty data dir, or add --force to replace it`,
        );
      }
      const skipped = await unknownTables(target, data);
      if (force) {
        await wipeData(target);
        rmSync(trash, { recursive: true, force: true });
      }
      const summary = await importData(target, data);
      const trashFiles = restoreTrash(entries, store.dir);
      store.update(settings);
      const rows = Object.values(summary.tables).reduce((a, b) => a + b, 0);
      io.out(`restored ${file} (Titan ${manifest.output.titan_version}) into ${store.dir}\n`);
      io.out(
        `  ${summary.memory.memories} memories (${summary.memory.reembedded} re-embedded), ` +
          `${summary.memory.entities} entities, ${summary.memory.relations} relations, ${rows} rows, ` +
          `${trashFiles} files in the trash\n`,
      );
      if (skipped.length) io.out(`  left out (this Titan has no such table): ${skipped.join(', ')}\n`);
      io.out('  settings restored; this machine’s secrets, server address and services were kept\n');
      return 0;
    } finally {
      await engines.close();
    }
  },
};
