// The `mcp` settings block: each server either a program or a URL, names unique, and every env and header value a
// secret — masked in the API, restored when the mask comes back (matched by server name), scrubbed from logs.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import defaults from '../../../config.json' with { type: 'json' };
import { type Settings, SettingsSchema } from '../../config/schema.ts';
import { MASK, maskSettings, secretValues, unmaskSettings } from '../../config/secrets.ts';

const withServers = (servers: unknown[]) => ({ ...defaults, mcp: { ...defaults.mcp, servers } });
const parse = (servers: unknown[]) => v.safeParse(SettingsSchema, withServers(servers));

describe('mcp settings', () => {
  it('fills the defaults of a server given only a name and a command', () => {
    const settings = v.parse(SettingsSchema, withServers([{ name: 'files', command: 'npx', args: ['-y', 'server'] }]));
    expect(settings.mcp.servers[0]).toEqual({
      name: 'files',
      command: 'npx',
      args: ['-y', 'server'],
      env: {},
      headers: {},
      enabled: true,
      timeout_ms: 30_000,
    });
  });

  it('wants a command or a URL (not both), a usable name, and names that differ', () => {
    const messages = (servers: unknown[]) => {
      const r = parse(servers);
      return r.success ? [] : r.issues.map((i) => i.message);
    };
    expect(messages([{ name: 'a' }]).join()).toContain('either "command"');
    expect(messages([{ name: 'a', command: 'x', url: 'http://127.0.0.1:1/mcp' }]).join()).toContain('not both');
    expect(messages([{ name: 'a b', command: 'x' }]).join()).toContain('MCP server name');
    expect(messages([{ name: 'a', url: 'ftp://x' }]).join()).toContain('http://');
    expect(
      messages([
        { name: 'a', command: 'x' },
        { name: 'a', url: 'http://127.0.0.1:1/mcp' },
      ]).join(),
    ).toContain('its own name');
  });

  it('masks every env and header value, restores them by server name, and lists them for log scrubbing', () => {
    const settings = v.parse(
      SettingsSchema,
      withServers([
        { name: 'gh', command: 'gh-mcp', env: { GITHUB_TOKEN: 'ghp_secret', EMPTY: '' } },
        { name: 'web', url: 'https://example.com/mcp', headers: { Authorization: 'Bearer abc123' } },
      ]),
    );
    const masked = maskSettings(settings);
    expect(masked.mcp.servers[0]?.env).toEqual({ GITHUB_TOKEN: MASK, EMPTY: '' });
    expect(masked.mcp.servers[1]?.headers).toEqual({ Authorization: MASK });
    expect(JSON.stringify(masked)).not.toMatch(/ghp_secret|abc123/);
    expect(settings.mcp.servers[0]?.env.GITHUB_TOKEN).toBe('ghp_secret');

    // The UI sends the masks back, with the servers reordered and one value changed.
    const back = structuredClone(masked) as Settings;
    back.mcp.servers.reverse();
    (back.mcp.servers[1] as Settings['mcp']['servers'][number]).env.OTHER = MASK;
    const restored = unmaskSettings(back, settings) as Settings;
    expect(restored.mcp.servers[0]?.headers).toEqual({ Authorization: 'Bearer abc123' });
    expect(restored.mcp.servers[1]?.env).toEqual({ GITHUB_TOKEN: 'ghp_secret', EMPTY: '', OTHER: MASK });
    expect(secretValues(settings)).toEqual(expect.arrayContaining(['ghp_secret', 'Bearer abc123']));
  });
});
