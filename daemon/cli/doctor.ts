// `titan doctor`: checks what Titan needs — settings, data folder, port, allowed folders, services, the model key —
// one line each with a fix for what fails; exit code 1 when anything failed.
import { SettingsError } from '../config/errors.ts';
import { dataDir } from '../config/paths.ts';
import { SettingsStore } from '../config/settingsStore.ts';
import {
  type CheckResult,
  checkDataDir,
  checkFolders,
  checkModel,
  checkNeo4j,
  checkPort,
  checkPostgres,
  checkRedis,
} from './doctorChecks.ts';
import type { CliIo, Command } from './io.ts';

const MARK = { ok: '✓', failed: '✗', skipped: '–' } as const;

function print(io: CliIo, r: CheckResult): void {
  io.out(`${MARK[r.status]} ${r.name}: ${r.detail}\n`);
  if (r.fix) io.out(`    fix: ${r.fix}\n`);
}

export async function runDoctor(io: CliIo): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const report = (r: CheckResult) => {
    results.push(r);
    print(io, r);
  };
  let store: SettingsStore;
  try {
    store = new SettingsStore(io.env);
  } catch (err) {
    if (!(err instanceof SettingsError)) {
      report({
        name: 'settings',
        status: 'failed',
        detail: `the data folder ${dataDir(io.env)} cannot be used (${(err as Error).message})`,
        fix: 'give your user access to it, or point TITAN_HOME at a folder you own',
      });
      return results;
    }
    report({
      name: 'settings',
      status: 'failed',
      detail: `${err.source} is not valid:\n${err.problems.map((p) => `      - ${p}`).join('\n')}`,
      fix: `correct those keys in ${err.source} (or delete the file to start from the defaults); the other checks need valid settings`,
    });
    return results;
  }
  const s = store.get();
  report({ name: 'settings', status: 'ok', detail: `${store.file} is valid` });
  report(checkDataDir(store.dir));
  report(await checkPort(s.server));
  for (const r of checkFolders(s, io.env)) report(r);
  report(await checkRedis(s.services.redis));
  report(await checkPostgres(s.services.postgres));
  report(await checkNeo4j(s.services.neo4j));
  report(await checkModel(s.model));
  return results;
}

export const doctor: Command = {
  async run(_argv, io) {
    const results = await runDoctor(io);
    const bad = results.filter((r) => r.status === 'failed').length;
    io.out(bad ? `\n${bad} check(s) failed.\n` : '\nAll checks passed.\n');
    return bad ? 1 : 0;
  },
};
