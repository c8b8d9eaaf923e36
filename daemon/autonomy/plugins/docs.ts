// The user-facing documentation of a plugin, generated from its manifest: what it does, what it may touch, its tools.
import { exposedToolName, type Manifest } from './manifest.ts';

const list = (items: string[]) => (items.length ? items.map((i) => `\`${i}\``).join(', ') : 'none');

export function pluginDocs(m: Manifest): string {
  const { fs, network, topics } = m.permissions;
  const lines = [
    `# ${m.name} ${m.version}`,
    '',
    m.description || '_No description._',
    '',
    '## Permissions',
    '',
    `- Reads files in: ${list(fs.read.concat(fs.write))}`,
    `- Writes files in: ${list(fs.write)}`,
    `- Network hosts: ${list(network)}`,
    `- Listens to: ${list(['plugin.v1', ...topics.filter((t) => t !== 'plugin.v1')])}`,
    '',
    '## Tools',
    '',
  ];
  if (m.tools.length === 0) lines.push('This plugin offers no tools.');
  for (const t of m.tools) {
    lines.push(
      `### \`${exposedToolName(m.name, t.name)}\``,
      '',
      t.description,
      '',
      `Risk: ${t.risk === 'read' ? 'read-only (runs without asking by default)' : 'changes things (asks first by default)'}.`,
      '',
      'Arguments (JSON schema):',
      '',
      '```json',
      JSON.stringify(t.parameters, null, 2),
      '```',
      '',
    );
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
