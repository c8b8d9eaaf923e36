// The plugin host: loads every plugin folder, runs each valid one under a Supervisor, keeps the tool registry in step
// with what is running, answers tool calls, and says for each plugin what it is doing and why.
import { mkdir } from 'node:fs/promises';
import * as v from 'valibot';
import type { ChatTool } from '../../chat/types.ts';
import type { AutonomyDeps, PluginToolCaller } from '../types.ts';
import { type Candidate, findCandidates, fingerprint, pluginDirs } from './discovery.ts';
import { hostCalls, resolveGrant } from './hostCalls.ts';
import { loadManifest, type Manifest } from './manifest.ts';
import { PluginError } from './pluginError.ts';
import { runtimePaths } from './process.ts';
import { type PluginStatus, Supervisor, type SupervisorEvent } from './supervisor.ts';
import { pluginTools } from './tools.ts';

export interface PluginEntry {
  name: string;
  dir: string;
  fingerprint: string;
  manifest: Manifest | null;
  /** Why the plugin is invalid (manifest, permissions, schemas) when it is. */
  invalid: string | null;
  tools: ChatTool[];
  supervisor: Supervisor | null;
}

export interface PluginView {
  name: string;
  version: string | null;
  description: string;
  dir: string;
  status: PluginStatus;
  reason: string | null;
  restarts: number;
  pid: number | null;
  permissions: Manifest['permissions'] | null;
  tools: { name: string; tool: string; description: string; risk: 'read' | 'write'; parameters: unknown }[];
}

const USER_OFF = 'turned off by the user';

type StatusListener = (name: string, e: SupervisorEvent | { type: 'invalid'; reason: string }) => void;

export class PluginHost implements PluginToolCaller {
  readonly entries = new Map<string, PluginEntry>();
  private readonly deps: AutonomyDeps;
  private readonly listeners = new Set<StatusListener>();
  private scanning: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(deps: AutonomyDeps) {
    this.deps = deps;
  }

  private get settings() {
    return this.deps.settings.get().plugins;
  }

  dirs(): string[] {
    return pluginDirs(this.deps.settings.dir, this.settings.dirs, this.deps.env);
  }

  /** Status changes of every plugin (the routes' logs, lifecycle events, tests). */
  onStatus(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Loads what is new or changed, stops what is gone; one scan at a time (a second waits for the first). */
  scan(): Promise<void> {
    this.scanning = this.scanning
      .then(() => this.runScan())
      .catch((err) => {
        this.deps.logs.app.error({ err: (err as Error).message }, 'plugins: scan failed');
      });
    return this.scanning;
  }

  private async runScan(): Promise<void> {
    if (this.closed) return;
    await mkdir(this.dirs()[0] as string, { recursive: true }).catch(() => {});
    const found = this.settings.enabled ? await findCandidates(this.dirs()) : [];
    const seen = new Set<string>();
    for (const c of found) {
      const fp = await fingerprint(c.dir);
      const loaded = await loadManifest(c.dir, c.folder);
      const name = loaded.ok ? loaded.manifest.name : loaded.name;
      const existing = this.entries.get(name);
      if (seen.has(name) || (existing && existing.dir !== c.dir && found.some((o) => o.dir === existing.dir))) {
        this.deps.logs.app.warn({ plugin: name, dir: c.dir }, 'plugins: a second plugin with this name is ignored');
        continue;
      }
      seen.add(name);
      if (existing && existing.dir === c.dir && existing.fingerprint === fp) continue;
      if (existing) await this.unload(existing);
      await this.load(c, fp, loaded.ok ? loaded : { reason: loaded.reason, name });
    }
    for (const entry of [...this.entries.values()]) if (!seen.has(entry.name)) await this.unload(entry);
  }

  private async load(
    c: Candidate,
    fp: string,
    loaded: { manifest: Manifest; main: string } | { reason: string; name: string },
  ): Promise<void> {
    const entry: PluginEntry = {
      name: 'manifest' in loaded ? loaded.manifest.name : loaded.name,
      dir: c.dir,
      fingerprint: fp,
      manifest: null,
      invalid: null,
      tools: [],
      supervisor: null,
    };
    this.entries.set(entry.name, entry);
    if (!('manifest' in loaded)) return this.markInvalid(entry, loaded.reason);
    const { manifest, main } = loaded;
    entry.manifest = manifest;
    const tools = pluginTools(manifest, this);
    if (typeof tools === 'string') return this.markInvalid(entry, tools);
    entry.tools = tools;
    if (!runtimePaths())
      return this.markInvalid(entry, 'plugins cannot run in this build: the plugin runtime is missing');
    let grant: Awaited<ReturnType<typeof resolveGrant>>;
    try {
      grant = await resolveGrant(this.deps.files, manifest);
    } catch (err) {
      return this.markInvalid(entry, (err as Error).message);
    }
    const log = this.deps.logs.app.child({ plugin: manifest.name });
    entry.supervisor = new Supervisor({
      name: manifest.name,
      dir: c.dir,
      main,
      network: manifest.permissions.network,
      policy: () => this.settings,
      onHost: hostCalls(
        { files: this.deps.files, bus: this.deps.bus, notifier: this.deps.services.notifications },
        manifest,
        grant,
      ),
      onLog: (level, msg) => log[level](msg),
      onEvent: (e) => this.onSupervisorEvent(entry, e),
    });
    if (this.settings.disabled.includes(manifest.name)) {
      entry.supervisor.status = 'disabled';
      entry.supervisor.reason = USER_OFF;
      return;
    }
    await entry.supervisor.start();
  }

  private markInvalid(entry: PluginEntry, reason: string): void {
    entry.invalid = reason;
    this.deps.logs.app.warn({ plugin: entry.name, dir: entry.dir, reason }, 'plugins: invalid plugin');
    for (const l of this.listeners) l(entry.name, { type: 'invalid', reason });
  }

  private async unload(entry: PluginEntry): Promise<void> {
    this.entries.delete(entry.name);
    this.deps.tools.delete(`plugin:${entry.name}`);
    await entry.supervisor?.stop('disabled', 'removed');
  }

  private onSupervisorEvent(entry: PluginEntry, e: SupervisorEvent): void {
    const log = this.deps.logs.app;
    const source = `plugin:${entry.name}`;
    if (e.type === 'started') {
      try {
        this.deps.tools.set(source, entry.tools);
      } catch (err) {
        // Running, but its tools clash with another source's: the reason says so in GET /api/plugins.
        if (entry.supervisor) entry.supervisor.reason = `its tools are not offered: ${(err as Error).message}`;
        log.error({ plugin: entry.name, err: (err as Error).message }, 'plugins: tools not offered');
      }
      log.info({ plugin: entry.name, pid: entry.supervisor?.process?.pid }, 'plugin started');
    } else {
      this.deps.tools.delete(source);
      if (e.type === 'crashed') log.warn({ plugin: entry.name, ...e }, 'plugin failed; restarting after a wait');
      if (e.type === 'disabled') log.error({ plugin: entry.name, reason: e.reason }, 'plugin disabled');
    }
    for (const l of this.listeners) l(entry.name, e);
  }

  async callTool(plugin: string, tool: string, args: unknown, signal?: AbortSignal): Promise<unknown> {
    const entry = this.entries.get(plugin);
    if (!entry) throw new PluginError('plugin_not_found', `there is no plugin named "${plugin}"`);
    const view = this.view(entry);
    if (!entry.manifest || !entry.supervisor) {
      throw new PluginError('plugin_unavailable', `plugin ${plugin} is invalid: ${entry.invalid}`);
    }
    const declared = entry.tools[entry.manifest.tools.findIndex((t) => t.name === tool)];
    if (!declared) {
      const names = entry.manifest.tools.map((t) => t.name).join(', ') || 'none';
      throw new PluginError('plugin_unknown_tool', `plugin ${plugin} has no tool "${tool}"; its tools: ${names}`);
    }
    const checked = v.safeParse(declared.schema, args);
    if (!checked.success) {
      throw new PluginError('invalid_arguments', checked.issues.map((i) => i.message).join('; '));
    }
    const proc = entry.supervisor.process;
    if (!proc) {
      const why = view.reason ? `: ${view.reason}` : '';
      throw new PluginError('plugin_unavailable', `plugin ${plugin} is ${view.status}${why}`);
    }
    const started = Date.now();
    try {
      const value = await proc.call(tool, args, this.settings.call_timeout_ms, signal);
      this.deps.logs.audit.info(
        { event: 'plugin.tool', plugin, tool, ok: true, ms: Date.now() - started },
        'plugin tool call',
      );
      return value;
    } catch (err) {
      const code = (err as PluginError).code ?? 'plugin_tool_failed';
      this.deps.logs.audit.warn(
        {
          event: 'plugin.tool',
          plugin,
          tool,
          ok: false,
          code,
          message: (err as Error).message,
          ms: Date.now() - started,
        },
        'plugin tool call',
      );
      throw err;
    }
  }

  view(entry: PluginEntry): PluginView {
    const m = entry.manifest;
    const sup = entry.supervisor;
    return {
      name: entry.name,
      version: m?.version ?? null,
      description: m?.description ?? '',
      dir: entry.dir,
      status: entry.invalid ? 'invalid' : (sup?.status ?? 'invalid'),
      reason: entry.invalid ?? sup?.reason ?? null,
      restarts: sup?.restarts ?? 0,
      pid: sup?.process?.pid ?? null,
      permissions: m?.permissions ?? null,
      tools: (m?.tools ?? []).map((t, i) => ({
        name: entry.tools[i]?.name ?? t.name,
        tool: t.name,
        description: t.description,
        risk: t.risk,
        parameters: t.parameters,
      })),
    };
  }

  list(): PluginView[] {
    return [...this.entries.values()].map((e) => this.view(e));
  }

  /** Turns a plugin off (remembered in settings) or on again (failures forgotten). */
  async setEnabled(name: string, enabled: boolean): Promise<PluginView> {
    const entry = this.entries.get(name);
    if (!entry) throw new PluginError('plugin_not_found', `there is no plugin named "${name}"`);
    const current = this.deps.settings.get();
    const disabled = current.plugins.disabled.filter((n) => n !== name).concat(enabled ? [] : [name]);
    if (disabled.join() !== current.plugins.disabled.join()) {
      // Settings listeners call applyDisabled too; both calls end in the same state.
      this.deps.settings.update({ ...current, plugins: { ...current.plugins, disabled } });
    }
    await this.applyDisabled(enabled ? [name] : []);
    return this.view(entry);
  }

  /**
   * Brings the plugins in line with settings `plugins.disabled`: listed ones are stopped; ones no longer listed that
   * the user had turned off start again, as do those named in `retry` (disabled after failures).
   */
  async applyDisabled(retry: string[] = []): Promise<void> {
    const off = new Set(this.settings.disabled);
    await Promise.all(
      [...this.entries.values()].map(async (entry) => {
        const sup = entry.supervisor;
        if (!sup) return;
        if (off.has(entry.name)) {
          await sup.stop('disabled', USER_OFF);
        } else if ((sup.status === 'disabled' && sup.reason === USER_OFF) || retry.includes(entry.name)) {
          await sup.enable();
        }
      }),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.scanning;
    await Promise.all([...this.entries.values()].map((e) => this.unload(e)));
  }
}
