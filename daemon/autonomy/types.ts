// The autonomy features' contracts: what each feature gets from the daemon (AutonomyDeps), what it gives back
// (Feature), and the small interfaces features call on each other — implemented in their own folders.
import type { Hono, MiddlewareHandler } from 'hono';
import type { Bus } from '../../bus/bus.ts';
import type { MemoryService } from '../../memory/service.ts';
import type { Approvals } from '../chat/approvals.ts';
import type { ChatService } from '../chat/service.ts';
import type { ChatStore } from '../chat/store.ts';
import type { ToolRegistry } from '../chat/toolRegistry.ts';
import type { ModelClient } from '../chat/types.ts';
import type { SettingsStore } from '../config/settingsStore.ts';
import type { BusSnapshots } from '../events/snapshots.ts';
import type { FilesService } from '../files/service.ts';
import type { ApiRoutes } from '../http/routes.ts';
import type { Logs } from '../logs/logs.ts';
import type { Engines } from '../storage/engines.ts';

/** Everything an autonomy feature may use. `services` fills up as features open (in the order of openAutonomy). */
export interface AutonomyDeps {
  settings: SettingsStore;
  logs: Logs;
  engines: Engines;
  bus: Bus;
  memory: MemoryService;
  files: FilesService;
  chat: ChatService;
  chatStore: ChatStore;
  model: ModelClient;
  approvals: Approvals;
  /** Built-in tools plus plugin and MCP tools: what chat, goals and the MCP server offer. */
  tools: ToolRegistry;
  /** Null while bus.snapshots is off. */
  snapshots: BusSnapshots | null;
  /** The daemon's version (package.json). */
  version: string;
  env: NodeJS.ProcessEnv;
  /** A clock the scheduler and tests can control; Date.now by default. */
  now: () => number;
  services: AutonomyServices;
}

/** What an opened feature gives back to the daemon. */
export interface Feature {
  name: string;
  /** Declares its HTTP routes (auth is already applied to /api/*; `auth` is for routes outside /api, like /mcp). */
  routes?(api: ApiRoutes, app: Hono, auth: MiddlewareHandler): void;
  /** Starts background work (timers, watchers, child processes) once every feature is open and routes are declared. */
  start?(): Promise<void>;
  /** Stops background work; features close in reverse order. */
  close(): Promise<void>;
}

/** The features' handles on each other; a feature that is not open leaves its slot empty. */
export interface AutonomyServices {
  notifications?: Notifier;
  scheduler?: JobScheduler;
  goals?: GoalStarter;
  plugins?: PluginToolCaller;
  reflection?: Reflector;
}

export interface NotificationInput {
  title: string;
  body: string;
  /** Who raised it: "trigger:<rule id>", "goal:<id>", "plugin:<name>", "job:<id>". */
  source: string;
  /** The conversation the UI opens when the notification is clicked. */
  conversation_id?: string;
  level?: 'info' | 'warn' | 'error';
}

export interface Notifier {
  notify(input: NotificationInput): Promise<{ id: string }>;
}

/** What a scheduled job does when it runs; `output` is kept with the run. */
export interface JobRunContext {
  run_id: string;
  /** The time the run was due (a catch-up run after sleep is due in the past). */
  scheduled_for: Date;
  signal: AbortSignal;
  /** A line of progress, kept with the run and shown in the UI. */
  progress(note: string): void;
}

export interface JobOutput {
  /** One sentence a user reads in the run history, e.g. "rescanned 312 files: 4 ingested, 1 failed". */
  summary: string;
  details?: Record<string, unknown>;
}

export interface JobDefinition {
  id: string;
  description: string;
  /** Cron expression (5 or 6 fields); validated with a readable error. */
  cron: string;
  enabled: boolean;
  kind: 'builtin' | 'user' | 'goal';
  run(ctx: JobRunContext): Promise<JobOutput>;
}

export interface JobScheduler {
  /** Adds or replaces a job (goals with a schedule register themselves as kind "goal"). */
  define(job: JobDefinition): void;
  remove(id: string): void;
}

export interface GoalStarter {
  /** Starts a run of a goal in the background and returns its id at once. */
  startRun(
    goalId: string,
    trigger: { kind: 'manual' | 'schedule' | 'trigger'; detail?: string },
  ): Promise<{ run_id: string }>;
}

export interface PluginToolCaller {
  /** Calls a plugin's tool (inside its sandbox, with its call timeout); rejects with a typed error a user can act on. */
  callTool(plugin: string, tool: string, args: unknown, signal?: AbortSignal): Promise<unknown>;
}

export interface Reflector {
  /** Writes the summary memory of one day (local date) and says what it covered. */
  reflect(day: Date, signal?: AbortSignal): Promise<JobOutput>;
}
