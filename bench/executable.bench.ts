// The single executable against `node daemon/main.ts` (the baseline, same run): its size, and cold start — spawn to
// the first healthy /api/health — in a new home (database created; for a first run also the assets unpacked) and
// again in a home that has data (the everyday start). Run `make build` first (make bench-executable does).
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { homeEnv, runTitan, tempHome } from '../tests/helpers/titanProcess.ts';
import { machine } from './lib.ts';

const ROOT = join(import.meta.dirname, '..');
const EXE = join(ROOT, 'dist', 'titan-linux-x64');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
if (!existsSync(EXE)) throw new Error(`${EXE} is missing: run \`make build\``);

const NODE = [process.execPath, '--disable-warning=ExperimentalWarning', join(ROOT, 'daemon', 'main.ts')];

/** Milliseconds from spawn to a 200 from /api/health with status ok; the daemon is stopped (SIGTERM) after. */
async function coldStart(command: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const p = runTitan(command, env);
  const url = await p.url;
  const res = await fetch(`${url}/api/health`);
  const body = (await res.json()) as { status: string };
  const ms = performance.now() - started;
  if (res.status !== 200 || body.status !== 'ok') throw new Error(`unhealthy: ${res.status} ${JSON.stringify(body)}`);
  p.child.kill('SIGTERM');
  const code = await p.exited;
  if (code !== 0) throw new Error(`exited ${code} on SIGTERM:\n${p.err()}`);
  return ms;
}

const cases = {
  node_new: { name: 'node daemon/main.ts, new home (baseline)', times: [] as number[] },
  exe_unpack: { name: 'titan, new home, first run (assets unpacked)', times: [] as number[] },
  exe_new: { name: 'titan, new home (assets already unpacked)', times: [] as number[] },
  node_again: { name: 'node daemon/main.ts, home with data', times: [] as number[] },
  exe_again: { name: 'titan, home with data', times: [] as number[] },
};

const shared = tempHome('titan-bench-cache-');
const homes: string[] = [tempHome('titan-bench-'), tempHome('titan-bench-')];
// One untimed start of each fills the OS page cache with both programs, so run 1 is not an outlier.
await coldStart(NODE, homeEnv(homes[0] as string));
await coldStart([EXE], homeEnv(homes[1] as string, join(shared, 'cache')));
for (let i = 0; i < RUNS; i++) {
  const a = tempHome('titan-bench-');
  const b = tempHome('titan-bench-');
  const c = tempHome('titan-bench-');
  homes.push(a, b, c);
  cases.node_new.times.push(await coldStart(NODE, homeEnv(a)));
  cases.node_again.times.push(await coldStart(NODE, homeEnv(a)));
  cases.exe_unpack.times.push(await coldStart([EXE], homeEnv(b)));
  cases.exe_new.times.push(await coldStart([EXE], homeEnv(c, join(shared, 'cache'))));
  cases.exe_again.times.push(await coldStart([EXE], homeEnv(c, join(shared, 'cache'))));
}
for (const h of [...homes, shared]) rmSync(h, { recursive: true, force: true });

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};
const mb = (f: string) => (existsSync(f) ? `${(statSync(f).size / 1e6).toFixed(1)} MB` : 'not built');

console.log(`\nTitan ${VERSION} single executable — ${machine()}, ${RUNS} runs per case`);
console.log('\n| file | size |\n|---|---:|');
console.log(`| dist/titan-linux-x64 | ${mb(EXE)} |`);
console.log(`| bundled daemon (dist/.build/titan.cjs) | ${mb(join(ROOT, 'dist', '.build', 'titan.cjs'))} |`);
console.log(`| titan-${VERSION}-linux-x64.tar.gz | ${mb(join(ROOT, 'dist', `titan-${VERSION}-linux-x64.tar.gz`))} |`);
console.log(`| titan_${VERSION}_amd64.deb | ${mb(join(ROOT, 'dist', `titan_${VERSION}_amd64.deb`))} |`);

console.log(
  '\n| cold start to healthy /api/health | p50 ms | min ms | max ms | p50 vs baseline |\n|---|---:|---:|---:|---:|',
);
const base = pct(cases.node_new.times, 50);
for (const c of Object.values(cases)) {
  const p50 = pct(c.times, 50);
  const row = [c.name, p50.toFixed(0), Math.min(...c.times).toFixed(0), Math.max(...c.times).toFixed(0)];
  console.log(`| ${row.join(' | ')} | ${(p50 / base).toFixed(2)}× |`);
}
