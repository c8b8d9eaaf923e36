// The titan command as a user runs it: prints its URL, serves, stops on SIGTERM; bad settings give one line per key, no stack.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const MAIN = join(import.meta.dirname, '..', '..', 'daemon', 'main.ts');
const homes: string[] = [];
const children: ChildProcess[] = [];

function home(settings?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'titan-cli-'));
  homes.push(dir);
  if (settings !== undefined) writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings));
  return dir;
}

function run(dir: string, port = '0', args: string[] = []) {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', MAIN, ...args], {
    // HOME too: the default allowed folders are then this test's, never the real user's Desktop and Downloads.
    env: {
      ...process.env,
      TITAN_HOME: dir,
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, '.config'),
      TITAN_PORT: port,
      NODE_OPTIONS: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const exited = once(child, 'exit').then(([code]) => code as number);
  return { child, exited, out: () => out, err: () => err };
}

async function waitFor(pred: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of homes.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('titan command', () => {
  it('starts on the embedded engines, prints its URL, answers health, and exits 0 on SIGTERM', async () => {
    const dir = home();
    const p = run(dir);
    await waitFor(() => /Titan is running at http:\/\/127\.0\.0\.1:\d+/.test(p.out()), 'the URL line');
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(p.out())?.[1];
    expect(p.out()).toContain('engines: sql=pglite');
    // No Desktop in this home: the folder is named with the problem instead of failing the start.
    expect(p.out()).toContain(`folders: ${join(dir, 'Desktop')} (the folder does not exist)`);
    const health = await fetch(`${url}/api/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('ok');
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  }, 120_000);

  it('stops with one line per bad setting and no stack trace', async () => {
    const p = run(home({ server: { port: 'eighty' }, limits: { logs_mb: 0 }, colour: 'blue' }));
    expect(await p.exited).toBe(1);
    const lines = p.err().trim().split('\n');
    expect(lines[0]).toMatch(/settings\.json has 3 invalid setting\(s\):$/);
    expect(lines.slice(1)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}- server\.port: expected the port/),
        expect.stringMatching(/^ {2}- limits\.logs_mb: expected the size cap of all log files/),
        '  - colour: unknown key — remove it or check its spelling',
      ]),
    );
    expect(p.err()).not.toMatch(/\n\s+at /);
  });

  it('says which port is taken instead of crashing', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as { port: number }).port;
    try {
      const p = run(home(), String(port));
      expect(await p.exited).toBe(1);
      expect(p.err()).toContain(`port ${port} on 127.0.0.1 is in use`);
    } finally {
      blocker.close();
    }
  }, 120_000);

  it('re-reads its settings on SIGHUP: new bus limits apply without a restart', async () => {
    const dir = home();
    const p = run(dir);
    await waitFor(() => /Titan is running at/.test(p.out()), 'the URL line');
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(p.out())?.[1];
    const setup = await fetch(`${url}/api/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'a long enough password' }),
    });
    const { token } = (await setup.json()) as { token: string };
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ bus: { global_rate_limit: 4321 } }));
    p.child.kill('SIGHUP');
    let seen = 0;
    async function poll() {
      const res = await fetch(`${url}/api/bus/config`, { headers: { authorization: `Bearer ${token}` } });
      seen = ((await res.json()) as { global_rate_limit: number }).global_rate_limit;
    }
    // waitFor polls a synchronous predicate; refresh the value in the background meanwhile.
    const timer = setInterval(() => void poll(), 100);
    try {
      await waitFor(() => seen === 4321, 'the reloaded limit');
    } finally {
      clearInterval(timer);
    }
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  }, 120_000);

  it('prints its version', async () => {
    const p = run(home(), '0', ['--version']);
    expect(await p.exited).toBe(0);
    expect(p.out()).toMatch(/^titan \d+\.\d+\.\d+\n$/);
  });

  it('prints its version with -v too, and help lists the commands', async () => {
    const v = run(home(), '0', ['-v']);
    expect(await v.exited).toBe(0);
    expect(v.out()).toMatch(/^titan \d+\.\d+\.\d+\n$/);
    const h = run(home(), '0', ['help']);
    expect(await h.exited).toBe(0);
    for (const cmd of [
      'doctor',
      'install-service',
      'uninstall-service',
      'mcp',
      'backup',
      'restore',
      'services up|down|status',
    ]) {
      expect(h.out()).toContain(`  ${cmd}`);
    }
  });

  it('answers an unknown command with the usage and exit code 2', async () => {
    const p = run(home(), '0', ['frobnicate']);
    expect(await p.exited).toBe(2);
    expect(p.err()).toMatch(/^titan: unknown command "frobnicate"\n\nusage: titan \[command\] \[options\]/);
    expect(p.out()).toBe('');
  });

  it('marks its data dir while running: backup refuses then, and works once it stopped', async () => {
    const dir = home();
    const p = run(dir);
    await waitFor(() => /Titan is running at/.test(p.out()), 'the URL line');
    expect(existsSync(join(dir, 'daemon.json'))).toBe(true);
    const refused = run(dir, '0', ['backup', '--out', join(dir, 'b.tar.gz')]);
    expect(await refused.exited).toBe(1);
    expect(refused.err()).toMatch(
      new RegExp(
        `^titan: a Titan is running on ${dir} \\(pid ${p.child.pid}, http://127\\.0\\.0\\.1:\\d+\\): stop it first, then back up\\n$`,
      ),
    );
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(existsSync(join(dir, 'daemon.json'))).toBe(false);
    const made = run(dir, '0', ['backup', '--out', join(dir, 'b.tar.gz')]);
    expect(await made.exited).toBe(0);
    expect(made.out()).toContain(`wrote ${join(dir, 'b.tar.gz')}`);
  }, 120_000);
});
