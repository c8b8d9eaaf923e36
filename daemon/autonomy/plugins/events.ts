// The `plugins` consumer group: plugin.v1 and the topics plugins declare, delivered to each running plugin with a
// handler for it (never back to the plugin that published it). A plugin that fails or times out makes the handler
// throw, so the bus retries — and a retry goes only to the plugins that have not handled the event yet.
import type { BusEvent } from '../../../bus/event.ts';
import type { Subscription } from '../../../bus/subscription.ts';
import type { AutonomyDeps } from '../types.ts';
import type { PluginEntry, PluginHost } from './host.ts';
import type { PLUGIN_TOPICS } from './manifest.ts';

type PluginTopic = (typeof PLUGIN_TOPICS)[number];

/** Events whose delivery is remembered, per plugin, so a retry skips plugins that already handled them. */
const REMEMBERED = 2000;

export class PluginEvents {
  private readonly host: PluginHost;
  private readonly deps: AutonomyDeps;
  private readonly subscriptions = new Map<PluginTopic, Promise<Subscription | null>>();
  private readonly handled = new Map<string, Set<string>>();

  constructor(host: PluginHost, deps: AutonomyDeps) {
    this.host = host;
    this.deps = deps;
  }

  /** Subscribes to plugin.v1 and every topic a loaded plugin declares (once each). */
  async sync(): Promise<void> {
    const topics = new Set<PluginTopic>(['plugin.v1']);
    for (const e of this.host.entries.values()) for (const t of e.manifest?.permissions.topics ?? []) topics.add(t);
    for (const topic of topics) {
      if (this.subscriptions.has(topic)) continue;
      const sub = this.deps.bus
        .subscribe(topic, 'plugins', (event) => this.deliver(topic, event))
        .catch((err: Error) => {
          this.deps.logs.app.error({ topic, err: err.message }, 'plugins: cannot subscribe');
          this.subscriptions.delete(topic);
          return null;
        });
      this.subscriptions.set(topic, sub);
    }
    await Promise.all(this.subscriptions.values());
  }

  private wants(entry: PluginEntry, topic: PluginTopic, event: BusEvent): boolean {
    if (!entry.manifest || event.meta.source === `plugin:${entry.name}`) return false;
    if (topic !== 'plugin.v1' && !entry.manifest.permissions.topics.includes(topic)) return false;
    const proc = entry.supervisor?.process;
    // Not running now: a declared topic waits for the restart (the bus retries); plugin.v1 is not worth waiting for.
    if (!proc) {
      const status = entry.supervisor?.status;
      return topic !== 'plugin.v1' && (status === 'starting' || status === 'backoff');
    }
    return proc.topics.includes(topic);
  }

  async deliver(topic: PluginTopic, event: BusEvent): Promise<void> {
    const done = this.handled.get(event.event_id) ?? new Set<string>();
    const failed: string[] = [];
    const targets = [...this.host.entries.values()].filter((e) => !done.has(e.name) && this.wants(e, topic, event));
    await Promise.all(
      targets.map(async (entry) => {
        const proc = entry.supervisor?.process;
        try {
          if (!proc) throw new Error(`${entry.name} is ${entry.supervisor?.status ?? 'not running'}`);
          await proc.deliver(
            topic,
            event as unknown as Record<string, unknown>,
            this.deps.settings.get().plugins.event_timeout_ms,
          );
          done.add(entry.name);
        } catch (err) {
          failed.push(`${entry.name}: ${(err as Error).message}`);
        }
      }),
    );
    if (failed.length === 0) {
      this.handled.delete(event.event_id);
      return;
    }
    this.handled.set(event.event_id, done);
    if (this.handled.size > REMEMBERED) this.handled.delete(this.handled.keys().next().value as string);
    throw new Error(`plugins did not handle ${event.event_type}: ${failed.join('; ')}`);
  }

  async close(): Promise<void> {
    const subs = await Promise.all(this.subscriptions.values());
    this.subscriptions.clear();
    for (const s of subs) if (s) await this.deps.bus.unsubscribe(s);
  }
}
