// The tools a goal may be granted, as the daemon has them: the built-in tools (the keys of settings `chat.tools`, with
// their approval policy) and the plugins' tools (GET /api/plugins, with their risk). There is no other tool listing.
import { ApiFailure, api } from '../lib/api.ts';

export interface ToolChoice {
  name: string;
  /** Built-in tools: the chat's approval policy (auto, ask, never). */
  policy?: string;
  /** Plugin tools: read or write. */
  risk?: 'read' | 'write';
  /** Which plugin offers it. */
  plugin?: string;
}

interface PluginsList {
  plugins: { name: string; tools: { name: string; risk: 'read' | 'write' }[] }[];
}

export async function toolChoices(): Promise<ToolChoice[]> {
  const [settings, plugins] = await Promise.all([
    api<{ chat?: { tools?: Record<string, string> } }>('/api/settings'),
    api<PluginsList>('/api/plugins').catch((err) => {
      if (err instanceof ApiFailure && err.status === 404) return { plugins: [] } as PluginsList;
      throw err;
    }),
  ]);
  const builtIn = Object.entries(settings.chat?.tools ?? {}).map(([name, policy]) => ({ name, policy }));
  const fromPlugins = plugins.plugins.flatMap((p) =>
    p.tools.map((t) => ({ name: t.name, risk: t.risk, plugin: p.name })),
  );
  return [...builtIn, ...fromPlugins];
}
