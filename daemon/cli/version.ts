// `titan --version`: the version from package.json, without loading the daemon.
import pkg from '../../package.json' with { type: 'json' };
import type { Command } from './io.ts';

export const VERSION: string = pkg.version;

export const version: Command = {
  async run(_argv, io) {
    io.out(`titan ${VERSION}\n`);
    return 0;
  },
};
