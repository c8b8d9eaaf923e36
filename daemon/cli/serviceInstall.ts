// `titan install-service` / `uninstall-service`: writes the OS's definition that starts Titan at logon and asks the
// service manager to load it — or, where that manager cannot be reached, prints the commands to run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isExecutable } from '../assets.ts';
import { dataDir } from '../config/paths.ts';
import { type CliIo, type Command, parseArgs } from './io.ts';
import {
  LAUNCHD_LABEL,
  launchdPlist,
  launchdPlistPath,
  SERVICE_NAME,
  type ServiceSpec,
  schtasksCreateArgs,
  schtasksDeleteArgs,
  shellLine,
  systemdUnit,
  systemdUnitPath,
} from './serviceUnits.ts';

/** The single executable runs itself; a checkout runs node with main.ts. */
export function selfCommand(): string[] {
  if (isExecutable()) return [process.execPath];
  return [process.execPath, '--disable-warning=ExperimentalWarning', resolve(import.meta.dirname, '..', 'main.ts')];
}

export async function serviceSpec(env: NodeJS.ProcessEnv): Promise<ServiceSpec> {
  return {
    command: selfCommand(),
    env: env.TITAN_HOME ? { TITAN_HOME: resolve(env.TITAN_HOME) } : {},
    logDir: join(dataDir(env), 'logs'),
  };
}

interface Step {
  program: string;
  args: string[];
}

/** Runs the steps while the manager answers; from the first that cannot run, prints the rest for the user. */
function runSteps(steps: Step[], io: CliIo, platform: NodeJS.Platform, probe: Step | null): boolean {
  const usable = probe === null || spawnSync(probe.program, probe.args, { env: io.env, stdio: 'ignore' }).status === 0;
  if (usable) {
    for (const [i, s] of steps.entries()) {
      const r = spawnSync(s.program, s.args, { env: io.env, encoding: 'utf8' });
      if (r.status === 0) {
        io.out(`  ran: ${shellLine(s.program, s.args, platform)}\n`);
        continue;
      }
      const why = r.error ? (r.error as NodeJS.ErrnoException).code : (r.stderr || '').trim() || `exit ${r.status}`;
      io.err(`  failed: ${shellLine(s.program, s.args, platform)} (${why})\n`);
      printSteps(steps.slice(i), io, platform, 'run the rest yourself:');
      return false;
    }
    return true;
  }
  printSteps(steps, io, platform, `${probe?.program} cannot reach the service manager here; run these yourself:`);
  return true;
}

function printSteps(steps: Step[], io: CliIo, platform: NodeJS.Platform, intro: string): void {
  io.out(`  ${intro}\n`);
  for (const s of steps) io.out(`    ${shellLine(s.program, s.args, platform)}\n`);
}

const uid = () => (typeof process.getuid === 'function' ? process.getuid() : 0);

export interface ServiceOptions {
  platform?: NodeJS.Platform;
  home?: string;
}

export async function install(argv: string[], io: CliIo, opts: ServiceOptions = {}): Promise<number> {
  const { flags } = parseArgs(argv);
  const dry = flags.has('dry-run');
  const platform = opts.platform ?? process.platform;
  const home = opts.home ?? io.env.HOME ?? homedir();
  const spec = await serviceSpec(io.env);
  const write = (file: string, text: string) => {
    if (dry) {
      io.out(`would write ${file}:\n${text}`);
      return;
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text, { mode: 0o644 });
    io.out(`wrote ${file}\n`);
  };
  let ok = true;
  if (platform === 'linux') {
    write(systemdUnitPath(io.env, home), systemdUnit(spec));
    const steps = [
      { program: 'systemctl', args: ['--user', 'daemon-reload'] },
      { program: 'systemctl', args: ['--user', 'enable', '--now', `${SERVICE_NAME}.service`] },
    ];
    if (dry) printSteps(steps, io, platform, 'would run:');
    else ok = runSteps(steps, io, platform, { program: 'systemctl', args: ['--user', 'show-environment'] });
    io.out('Titan starts when you log in. To start it at boot without a login: loginctl enable-linger\n');
  } else if (platform === 'darwin') {
    const file = launchdPlistPath(home);
    write(file, launchdPlist(spec));
    const steps = [{ program: 'launchctl', args: ['bootstrap', `gui/${uid()}`, file] }];
    if (dry) printSteps(steps, io, platform, 'would run:');
    else ok = runSteps(steps, io, platform, { program: 'launchctl', args: ['print', `gui/${uid()}`] });
  } else if (platform === 'win32') {
    const steps = [{ program: 'schtasks', args: schtasksCreateArgs(spec) }];
    if (spec.env.TITAN_HOME) steps.unshift({ program: 'setx', args: ['TITAN_HOME', spec.env.TITAN_HOME] });
    if (dry) printSteps(steps, io, platform, 'would run:');
    else ok = runSteps(steps, io, platform, null);
  } else {
    io.err(`titan: install-service knows Linux (systemd), macOS (launchd) and Windows; not ${platform}\n`);
    return 1;
  }
  return ok ? 0 : 1;
}

export async function uninstall(argv: string[], io: CliIo, opts: ServiceOptions = {}): Promise<number> {
  const { flags } = parseArgs(argv);
  const dry = flags.has('dry-run');
  const platform = opts.platform ?? process.platform;
  const home = opts.home ?? io.env.HOME ?? homedir();
  const remove = (file: string) => {
    if (dry) io.out(`would remove ${file}\n`);
    else {
      rmSync(file, { force: true });
      io.out(`removed ${file}\n`);
    }
  };
  let ok = true;
  if (platform === 'linux') {
    // Stop and disable before the file goes, so systemd still knows the unit; reload after.
    const disable = [{ program: 'systemctl', args: ['--user', 'disable', '--now', `${SERVICE_NAME}.service`] }];
    const reload = [{ program: 'systemctl', args: ['--user', 'daemon-reload'] }];
    const probe = { program: 'systemctl', args: ['--user', 'show-environment'] };
    if (dry) printSteps([...disable, ...reload], io, platform, 'would run:');
    else ok = runSteps(disable, io, platform, probe);
    remove(systemdUnitPath(io.env, home));
    if (!dry) ok = runSteps(reload, io, platform, probe) && ok;
  } else if (platform === 'darwin') {
    const file = launchdPlistPath(home);
    const steps = [{ program: 'launchctl', args: ['bootout', `gui/${uid()}/${LAUNCHD_LABEL}`] }];
    if (dry) printSteps(steps, io, platform, 'would run:');
    else ok = runSteps(steps, io, platform, { program: 'launchctl', args: ['print', `gui/${uid()}`] });
    remove(file);
  } else if (platform === 'win32') {
    const steps = [{ program: 'schtasks', args: schtasksDeleteArgs() }];
    if (dry) printSteps(steps, io, platform, 'would run:');
    else ok = runSteps(steps, io, platform, null);
  } else {
    io.err(`titan: uninstall-service knows Linux, macOS and Windows; not ${platform}\n`);
    return 1;
  }
  return ok ? 0 : 1;
}

export const installService: Command = { run: (argv, io) => install(argv, io) };
export const uninstallService: Command = { run: (argv, io) => uninstall(argv, io) };
