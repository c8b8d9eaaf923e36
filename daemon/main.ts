#!/usr/bin/env node
// The titan command: starts the daemon, prints its URL, and stops cleanly on SIGINT/SIGTERM.
import { createTitan } from './app.ts';
import { SettingsError } from './config/errors.ts';
import { listen } from './http/server.ts';

async function main(): Promise<void> {
  if (process.argv.includes('--version')) {
    const { VERSION } = await import('./app.ts');
    process.stdout.write(`titan ${VERSION}\n`);
    return;
  }
  const titan = await createTitan({ console: true });
  let listening: Awaited<ReturnType<typeof listen>>;
  try {
    listening = await listen(titan);
  } catch (err) {
    await titan.close();
    throw err;
  }
  const health = await titan.engines.health();
  process.stdout.write(`Titan is running at ${listening.url}\n`);
  process.stdout.write(`  data: ${titan.settings.dir}\n`);
  process.stdout.write(
    `  engines: ${Object.entries(health)
      .map(([k, s]) => `${k}=${s.engine}`)
      .join(' ')}\n`,
  );
  const folders = titan.files.roots().map((r) => (r.problem ? `${r.path} (${r.problem})` : r.path));
  process.stdout.write(`  folders: ${folders.join(', ')}\n`);
  process.stdout.write(`  API docs: ${listening.url}/docs\n`);

  const shutdown = (signal: string) => {
    titan.logs.app.info({ signal }, 'shutting down');
    listening.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // SIGHUP re-reads settings.json: rate limits, weights and the log level change without a restart.
  process.on('SIGHUP', () => {
    try {
      titan.settings.reload();
      titan.logs.app.info('settings reloaded (SIGHUP)');
    } catch (err) {
      titan.logs.app.error(
        { err: (err as Error).message },
        'settings not reloaded: the file is invalid; the old settings stay',
      );
    }
  });
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  // A settings error lists each bad key on its own line; other start-up errors are one actionable sentence.
  process.stderr.write(`titan: ${err instanceof SettingsError || err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
