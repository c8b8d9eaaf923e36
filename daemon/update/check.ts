// The update check: asks a GitHub-compatible releases API for the latest release, compares it with the running
// version, and caches the answer (memory + data dir). Any failure is an answer ("could not check"), never a throw.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import type { Settings } from '../config/schema.ts';
import { compareSemver, parseSemver } from './semver.ts';

export const TIMEOUT_MS = 5000;

export const UpdateAnswerSchema = v.object({
  status: v.picklist(['available', 'current', 'disabled', 'unknown']),
  current: v.string(),
  latest: v.optional(v.string()),
  url: v.optional(v.string()),
  published_at: v.optional(v.string()),
  notes: v.optional(v.string()),
  message: v.string(),
  checked_at: v.optional(v.string()),
  cached: v.boolean(),
});
export type UpdateAnswer = v.InferOutput<typeof UpdateAnswerSchema>;

const Release = v.object({
  tag_name: v.string(),
  html_url: v.optional(v.string()),
  published_at: v.optional(v.nullable(v.string())),
  body: v.optional(v.nullable(v.string())),
  prerelease: v.optional(v.boolean()),
  draft: v.optional(v.boolean()),
});

export interface CheckOptions {
  settings: Settings['update'];
  version: string;
  dataDir: string;
  /** Skip the cache (the UI's "check now"). */
  refresh?: boolean;
  now?: () => number;
}

interface Cached {
  key: string;
  at: number;
  answer: UpdateAnswer;
}

const memory = new Map<string, Cached>();
const cacheFile = (dataDir: string) => join(dataDir, 'update-check.json');

function readCache(dataDir: string, key: string): Cached | null {
  const hit = memory.get(dataDir);
  if (hit?.key === key) return hit;
  try {
    const c = JSON.parse(readFileSync(cacheFile(dataDir), 'utf8')) as Cached;
    return c.key === key && v.is(UpdateAnswerSchema, c.answer) ? c : null;
  } catch {
    return null;
  }
}

function writeCache(dataDir: string, entry: Cached): void {
  memory.set(dataDir, entry);
  try {
    writeFileSync(cacheFile(dataDir), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  } catch {
    // A read-only data dir only loses the cache across restarts.
  }
}

const unknown = (current: string, why: string): UpdateAnswer => ({
  status: 'unknown',
  current,
  message: `could not check for updates: ${why}`,
  cached: false,
});

function failureOf(res: Response, repository: string): string {
  if (res.status === 404) return `${repository} has no published release (or the repository does not exist)`;
  if ((res.status === 403 || res.status === 429) && res.headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(res.headers.get('x-ratelimit-reset'));
    const when = Number.isFinite(reset) && reset > 0 ? ` after ${new Date(reset * 1000).toISOString()}` : ' later';
    return `the releases API's rate limit is used up; try again${when}`;
  }
  return `the releases API answered HTTP ${res.status}`;
}

async function ask(opts: CheckOptions): Promise<UpdateAnswer> {
  const { settings, version } = opts;
  const url = `${settings.api_url.replace(/\/+$/, '')}/repos/${settings.repository}/releases/latest`;
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { accept: 'application/vnd.github+json', 'user-agent': `titan/${version}` },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : (e.cause?.code ?? e.message);
    return unknown(version, `${new URL(url).host} is not reachable (${why}); are you offline?`);
  }
  if (!res.ok) return unknown(version, failureOf(res, settings.repository));
  const body = v.safeParse(Release, await res.json().catch(() => null));
  if (!body.success) return unknown(version, 'the releases API answered something that is not a release');
  const release = body.output;
  const latest = parseSemver(release.tag_name);
  const current = parseSemver(version);
  if (!latest) return unknown(version, `the latest release's tag "${release.tag_name}" is not a version`);
  if (!current) return unknown(version, `the running version "${version}" is not a semantic version`);
  const base = {
    current: version,
    latest: release.tag_name.replace(/^v/, ''),
    url: release.html_url,
    published_at: release.published_at ?? undefined,
    checked_at: new Date(opts.now?.() ?? Date.now()).toISOString(),
    cached: false,
  };
  // A pre-release is offered only to someone already running one: a stable install stays on stable releases.
  const offered = !(release.prerelease || latest.pre.length > 0) || current.pre.length > 0;
  if (offered && compareSemver(latest, current) > 0) {
    return {
      ...base,
      status: 'available',
      notes: release.body ? release.body.slice(0, 4000) : undefined,
      message: `Titan ${base.latest} is available (you have ${version})`,
    };
  }
  return { ...base, status: 'current', message: `Titan ${version} is up to date` };
}

/** The update answer; only answers from the API (available/current) are cached, so a failure is retried next time. */
export async function checkForUpdate(opts: CheckOptions): Promise<UpdateAnswer> {
  const { settings, version, dataDir } = opts;
  if (!settings.check) {
    return {
      status: 'disabled',
      current: version,
      message: 'update checks are off (settings: update.check)',
      cached: false,
    };
  }
  const now = opts.now?.() ?? Date.now();
  const key = `${settings.api_url} ${settings.repository} ${version}`;
  const hit = opts.refresh ? null : readCache(dataDir, key);
  if (hit && now - hit.at < settings.cache_ttl_min * 60_000) return { ...hit.answer, cached: true };
  const answer = await ask(opts);
  if (answer.status !== 'unknown') writeCache(dataDir, { key, at: now, answer });
  return answer;
}
