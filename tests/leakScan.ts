// The after-run secret scan (a step of tests/run.sh): the secrets the test suites configure must not be in what the run
// left behind — the vitest report and other reports/, coverage/, and the logs and backups in leftover /tmp/titan-* dirs.
// Usage: node tests/leakScan.ts [dir …]  (default: reports coverage and /tmp/titan-*). Exit 1 on any finding.
import { type Dirent, existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_PASSWORD } from './helpers/daemon.ts';
import { fileSource, filesUnder, type ScanSource, scanForSecrets } from './helpers/secretScan.ts';

/** Secret values the suites put into settings or use to log in (find more with `grep -rn api_key tests/`). */
const SECRETS: Record<string, string> = {
  'app password (tests/helpers/daemon.ts)': TEST_PASSWORD,
  'model key of the chat, goals, plugins and MCP tests': 'test-key',
  'model key (settingsApi.test.ts)': 'sk-test-abcdef123456',
  'model key (config/secrets.test.ts)': 'sk-live-1234567890',
  'Neo4j password (config/secrets.test.ts)': 'neo-Secret-7',
  'redacted password (logs/logs.test.ts)': 'hunter2',
};
/** secretLeaks.test.ts draws its secrets at random, with a fixed shape. */
const LEAK_MARK = /\b(sk-test|pw|s3|mcp-env|mcp-hdr)-LEAK-[A-Za-z0-9_-]{12}/;

const MAX_BYTES = 64 * 1024 * 1024;
// In a leftover daemon folder, only what Titan writes for people to read or carry away: its settings.json holds the
// user's secrets by design (mode 0600), its database files are not text.
const TEXT_OUTPUTS = /\.(log|jsonl|json\.gz|log\.\d+|tar\.gz)$|\/logs\//;

function leftoverOutputs(dir: string, depth = 0): ScanSource[] {
  if (depth > 6) return [];
  const out: ScanSource[] = [];
  let entries: Dirent[] = [];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out; // gone, or not ours to read
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') out.push(...leftoverOutputs(path, depth + 1));
    else if (entry.isFile() && TEXT_OUTPUTS.test(path) && statSync(path).size <= MAX_BYTES) out.push(fileSource(path));
  }
  return out;
}

function sources(dirs: string[]): ScanSource[] {
  if (dirs.length) return dirs.flatMap((d) => filesUnder(d));
  const own = ['reports', 'coverage'].flatMap((d) => filesUnder(d)).filter((s) => s.content.length <= MAX_BYTES);
  const tmp = tmpdir();
  const leftovers = readdirSync(tmp)
    .filter((n) => n.startsWith('titan-'))
    .flatMap((n) => leftoverOutputs(join(tmp, n)));
  return [...own, ...leftovers];
}

const scanned = sources(process.argv.slice(2).filter((d) => existsSync(d)));
const findings = scanForSecrets(SECRETS, scanned);
for (const s of scanned) {
  const m = LEAK_MARK.exec(s.content.toString('latin1'));
  if (m) findings.push({ secret: 'a secretLeaks.test.ts secret', source: s.name, form: 'literal', offset: m.index });
}
for (const f of findings) console.log(`!! ${f.secret} found in ${f.source} (${f.form}, at ${f.offset})`);
console.log(`secret scan: ${scanned.length} files, ${findings.length} finding(s)`);
process.exit(findings.length ? 1 : 0);
