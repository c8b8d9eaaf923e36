// The daemon's answer to bad settings: one "key.path: message" per bad key, joined with "; " (PUT /api/settings → 400;
// see describeIssues in daemon/config/errors.ts). Split back into messages by key path. A message that quotes the
// bad value ends with "(got …)": a piece that comes while that is still open is part of the quoted value.
const LINE = /^((?:[A-Za-z_][\w-]*|\d+)(?:\.(?:[A-Za-z_][\w-]*|\d+))*|\(top level\)): (.*)$/s;
const open = (message: string) => message.includes('(got ') && !message.endsWith(')');

export function parseProblems(message: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let last: { list: string[]; index: number } | undefined;
  for (const piece of message.split('; ')) {
    const m = LINE.exec(piece);
    if (last && (!m || open(last.list[last.index] as string))) {
      last.list[last.index] += `; ${piece}`;
      continue;
    }
    const path = !m || m[1] === '(top level)' ? '' : (m[1] as string);
    const list = out.get(path) ?? [];
    list.push(m ? (m[2] as string) : piece);
    out.set(path, list);
    last = { list, index: list.length - 1 };
  }
  return out;
}
