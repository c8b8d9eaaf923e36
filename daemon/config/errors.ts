// SettingsError: a settings file or update that does not fit the schema, one readable line per bad key.
import type * as v from 'valibot';

export class SettingsError extends Error {
  readonly code = 'invalid_settings';
  readonly source: string;
  readonly problems: string[];

  constructor(source: string, problems: string[]) {
    super(`${source} has ${problems.length} invalid setting(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
    this.source = source;
    this.problems = problems;
  }
}

/** Turns valibot issues into lines such as `limits.upload_mb: expected … (got "abc")`; `secrets` never appear in them. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[], secrets: readonly string[] = []): string[] {
  // A secret pasted into the wrong field (or used as a key) would be echoed back into API errors and logs.
  const hide = (text: string) => secrets.reduce((t, secret) => t.replaceAll(secret, '[secret]'), text);
  const lines = new Set<string>();
  for (const issue of issues) {
    const path = hide(issue.path?.map((p) => String(p.key)).join('.') || '(top level)');
    // An object schema reports an unknown key (expected "never"), a missing key and a wrong type with the same issue type.
    if (issue.type === 'strict_object' && issue.path && issue.expected === 'never') {
      lines.add(`${path}: unknown key — remove it or check its spelling`);
      continue;
    }
    if (issue.type.endsWith('object') && issue.path && issue.input === undefined && issue.received === 'undefined') {
      lines.add(`${path}: missing — add it`);
      continue;
    }
    // Hidden before it is cut short, or the cut would leave a secret's first characters.
    const got = issue.input === undefined ? 'nothing' : hide(JSON.stringify(issue.input) ?? '').slice(0, 60);
    lines.add(`${path}: ${issue.message} (got ${got})`);
  }
  return [...lines];
}
