// Where the CPU goes while one queue of bench/bus.bench.ts runs at saturation: a V8 CPU profile of just that phase,
// summed by function (self time) and by source file. Run: node bench/busProfile.ts [raw|titan|bullmq] [messages].
// Writes the raw profile to $TMPDIR/bus-<case>.cpuprofile (open it in Chrome DevTools for the call tree).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { withDefaults } from '../bus/options.ts';
import { type OpenHarness, openBullmq, openRaw, openTitan } from './busCases.ts';
import { Sink, saturate } from './busLoad.ts';
import { services } from './lib.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

const CASES: Record<string, OpenHarness> = { raw: openRaw, titan: openTitan, bullmq: openBullmq };
const which = process.argv[2] ?? 'titan';
const n = Number(process.argv[3] ?? 20_000);
const open = CASES[which];
if (!open) throw new Error(`unknown case ${which}: raw, titan or bullmq`);

const sink = new Sink();
const h = await open(services().redis.url, withDefaults({}).concurrency, sink.onHandled);
await saturate(h, sink, 2_000, 64);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const msgPerSec = await saturate(h, sink, n, 64);
const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
session.disconnect();
await h.close();

const file = join(tmpdir(), `bus-${which}.cpuprofile`);
writeFileSync(file, JSON.stringify(profile));
const totalMs = (profile.endTime - profile.startTime) / 1000;
const msPerHit = totalMs / profile.samples.length;
const where = (url: string) => {
  if (!url) return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const rel = relative(join(import.meta.dirname, '..'), path);
  return rel.startsWith('node_modules/')
    ? rel
        .split('/')
        .slice(0, rel.startsWith('node_modules/@') ? 3 : 2)
        .join('/')
    : rel;
};
const byFn = new Map<string, number>();
const byFile = new Map<string, number>();
for (const node of profile.nodes) {
  const ms = (node.hitCount ?? 0) * msPerHit;
  const { functionName, url, lineNumber } = node.callFrame;
  const fn = `${functionName || '(anonymous)'} ${where(url)}${url ? `:${lineNumber + 1}` : ''}`;
  byFn.set(fn, (byFn.get(fn) ?? 0) + ms);
  byFile.set(where(url), (byFile.get(where(url)) ?? 0) + ms);
}
const top = (m: Map<string, number>, k: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(
      ([name, ms]) =>
        `| ${name} | ${ms.toFixed(0)} | ${((ms / totalMs) * 100).toFixed(1)} % | ${((ms * 1000) / n).toFixed(1)} |`,
    );
console.log(
  `\n${which}: ${n} messages at saturation, ${msgPerSec.toFixed(0)} msg/s, ${totalMs.toFixed(0)} ms profiled (${file})`,
);
console.log('\n| file | self ms | share | µs/msg |\n|---|---:|---:|---:|');
console.log(top(byFile, 15).join('\n'));
console.log('\n| function | self ms | share | µs/msg |\n|---|---:|---:|---:|');
console.log(top(byFn, 30).join('\n'));
