// The OS service definitions: the systemd unit passes systemd-analyze verify, the launchd plist parses with the right
// keys, the schtasks command line is right; install/uninstall without a reachable systemctl write the unit and print
// the commands instead.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../../daemon/cli/io.ts';
import { install, selfCommand, uninstall } from '../../daemon/cli/serviceInstall.ts';
import {
  launchdPlist,
  type ServiceSpec,
  schtasksCreateArgs,
  schtasksDeleteArgs,
  shellLine,
  systemdUnit,
  windowsQuote,
} from '../../daemon/cli/serviceUnits.ts';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'titan-unit-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const spec = (over: Partial<ServiceSpec> = {}): ServiceSpec => ({
  command: [process.execPath, '--disable-warning=ExperimentalWarning', '/opt/titan 100%/daemon/main.ts'],
  env: { TITAN_HOME: '/home/anna/Titan "data" $HOME' },
  logDir: '/home/anna/Titan/logs',
  ...over,
});

/** systemd-analyze's complaints about the unit file itself (lines naming it), leaving out the manager's own. */
function verify(unit: string): { status: number | null; problems: string[] } {
  const dir = temp();
  const file = join(dir, 'titan.service');
  writeFileSync(file, unit);
  const r = spawnSync('/usr/bin/systemd-analyze', ['verify', file], { encoding: 'utf8' });
  const problems = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.includes('titan.service'));
  return { status: r.status, problems };
}

describe('systemd user unit', () => {
  it.skipIf(!existsSync('/usr/bin/systemd-analyze'))('passes systemd-analyze verify', () => {
    const r = verify(systemdUnit(spec()));
    expect(r.problems).toEqual([]);
    expect(r.status).toBe(0);
    // The check can fail: a unit with a bad restart value and an unknown key is reported by line.
    const bad = verify(systemdUnit(spec()).replace('Restart=on-failure', 'Restart=sometimes\nRestartt=5'));
    expect(bad.problems.join('\n')).toMatch(/restart specifier.*sometimes/);
    expect(bad.problems.join('\n')).toMatch(/Unknown key 'Restartt'/);
    const missing = verify(systemdUnit(spec({ command: ['/nonexistent/titan'] })));
    expect(missing.problems.join('\n')).toMatch(/is not executable/);
  });

  it('quotes the command and environment as systemd reads them', () => {
    const unit = systemdUnit(spec());
    expect(unit).toContain(
      `ExecStart="${process.execPath}" "--disable-warning=ExperimentalWarning" "/opt/titan 100%%/daemon/main.ts"`,
    );
    expect(unit).toContain('Environment="TITAN_HOME=/home/anna/Titan \\"data\\" $$HOME"');
    expect(unit).toMatch(/^Restart=on-failure$/m);
    expect(unit).toMatch(/^WantedBy=default.target$/m);
    expect(systemdUnit(spec({ env: {} }))).not.toContain('Environment=');
  });
});

describe('launchd agent', () => {
  it('is a plist with the label, the program, run at load, restart on failure and TITAN_HOME', () => {
    const plist = launchdPlist(spec({ command: ['/Applications/Titan.app/Contents/MacOS/titan', '<&>'] }));
    const py = spawnSync(
      'python3',
      ['-c', 'import plistlib,sys,json; print(json.dumps(plistlib.loads(sys.stdin.buffer.read())))'],
      { input: plist, encoding: 'utf8' },
    );
    expect(py.stderr).toBe('');
    expect(JSON.parse(py.stdout)).toEqual({
      Label: 'app.titan.daemon',
      ProgramArguments: ['/Applications/Titan.app/Contents/MacOS/titan', '<&>'],
      EnvironmentVariables: { TITAN_HOME: '/home/anna/Titan "data" $HOME' },
      RunAtLoad: true,
      KeepAlive: { SuccessfulExit: false },
      ProcessType: 'Interactive',
      StandardOutPath: '/home/anna/Titan/logs/launchd.out.log',
      StandardErrorPath: '/home/anna/Titan/logs/launchd.err.log',
    });
  });
});

describe('Windows Scheduled Task', () => {
  it('creates a task at logon, with normal rights, running the quoted executable', () => {
    const exe = 'C:\\Program Files\\Titan\\titan.exe';
    const args = schtasksCreateArgs(spec({ command: [exe], env: {} }));
    expect(args).toEqual(['/Create', '/SC', 'ONLOGON', '/TN', 'Titan', '/TR', `"${exe}"`, '/RL', 'LIMITED', '/F']);
    expect(shellLine('schtasks', args, 'win32')).toBe(
      'schtasks /Create /SC ONLOGON /TN Titan /TR "\\"C:\\Program Files\\Titan\\titan.exe\\"" /RL LIMITED /F',
    );
    expect(schtasksDeleteArgs()).toEqual(['/Delete', '/TN', 'Titan', '/F']);
    expect(windowsQuote('C:\\a b\\')).toBe('"C:\\a b\\\\"');
    expect(windowsQuote('plain')).toBe('plain');
  });
});

describe('install-service / uninstall-service', () => {
  /** A PATH holding only node: no systemctl, so the commands are printed instead of run. */
  function envWithoutSystemctl(home: string): NodeJS.ProcessEnv {
    const bin = join(home, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    return { HOME: home, PATH: bin, TITAN_HOME: join(home, 'data') };
  }

  it('writes the unit under ~/.config/systemd/user and prints the systemctl commands; uninstall removes it', async () => {
    const home = temp();
    const env = envWithoutSystemctl(home);
    const io = bufferIo(env);
    expect(await install([], io, { platform: 'linux', home })).toBe(0);
    const file = join(home, '.config', 'systemd', 'user', 'titan.service');
    const unit = readFileSync(file, 'utf8');
    const self = selfCommand();
    expect(unit).toContain(`ExecStart=${self.map((w) => `"${w}"`).join(' ')}`);
    expect(unit).toContain(`Environment="TITAN_HOME=${join(home, 'data')}"`);
    expect(io.text()).toContain(`wrote ${file}`);
    expect(io.text()).toContain('systemctl cannot reach the service manager here; run these yourself:');
    expect(io.text()).toContain(
      '    systemctl --user daemon-reload\n    systemctl --user enable --now titan.service\n',
    );

    const out = bufferIo(env);
    expect(await uninstall([], out, { platform: 'linux', home })).toBe(0);
    expect(existsSync(file)).toBe(false);
    expect(out.text()).toContain('systemctl --user disable --now titan.service');
    expect(out.text()).toContain(`removed ${file}`);
  });

  it('writes the launchd plist under ~/Library/LaunchAgents and prints launchctl bootstrap', async () => {
    const home = temp();
    const io = bufferIo(envWithoutSystemctl(home));
    expect(await install([], io, { platform: 'darwin', home })).toBe(0);
    const file = join(home, 'Library', 'LaunchAgents', 'app.titan.daemon.plist');
    expect(readFileSync(file, 'utf8')).toContain('<string>app.titan.daemon</string>');
    expect(io.text()).toMatch(/launchctl bootstrap gui\/\d+ .*app\.titan\.daemon\.plist/);
  });

  it('with --dry-run writes nothing and says what it would do', async () => {
    const home = temp();
    const io = bufferIo(envWithoutSystemctl(home));
    expect(await install(['--dry-run'], io, { platform: 'win32', home })).toBe(0);
    expect(io.text()).toContain('would run:');
    expect(io.text()).toMatch(/setx TITAN_HOME .*\n.*schtasks \/Create \/SC ONLOGON \/TN Titan \/TR /);
    const linux = bufferIo(envWithoutSystemctl(temp()));
    expect(await install(['--dry-run'], linux, { platform: 'linux', home })).toBe(0);
    expect(linux.text()).toContain('[Service]');
    expect(existsSync(join(home, '.config'))).toBe(false);
  });
});
