// `titan __plugin-host <runtime.cjs> <config>`: how the single executable becomes a plugin process. The executable
// always runs its embedded main, so the CLI hands over to the bundled runtime, unpacked as a file the plugin's
// permission model lets it read (process.ts); nothing of the daemon is loaded.
import { createRequire } from 'node:module';
import type { Command } from '../../cli/io.ts';

/** The hidden command; not in `titan help`, since only the daemon starts it. */
export const PLUGIN_HOST_COMMAND = '__plugin-host';

export const pluginHost: Command = {
  async run(argv, io) {
    const runtime = argv[0];
    if (!runtime || argv.length !== 2) {
      io.err(`titan: ${PLUGIN_HOST_COMMAND} is started by the daemon for a plugin, not by hand\n`);
      return 2;
    }
    // The runtime reads its config from the last argument, as it does when forked from the sources.
    createRequire(runtime)(runtime);
    return 'running';
  },
};
