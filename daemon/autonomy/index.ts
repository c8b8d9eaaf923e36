// Opens the autonomy features in dependency order — each one may use the handles (deps.services) of those before it.
import { openGoals } from './goals/index.ts';
import { openMcp } from './mcp/index.ts';
import { openNotifications } from './notifications/index.ts';
import { openPlugins } from './plugins/index.ts';
import { openReflection } from './reflection/index.ts';
import { openScheduler } from './scheduler/index.ts';
import { openTriggers } from './triggers/index.ts';
import type { AutonomyDeps, Feature } from './types.ts';

export type { AutonomyDeps, Feature } from './types.ts';

/** Each feature is one line here; a feature that fails to open closes those already open and the error propagates. */
const FEATURES: ((deps: AutonomyDeps) => Promise<Feature>)[] = [
  // notifications → scheduler → goals → reflection → plugins → mcp → triggers (added as they land)
  openNotifications,
  openScheduler,
  openGoals,
  openReflection,
  openPlugins,
  openMcp,
  openTriggers,
];

export async function openAutonomy(deps: AutonomyDeps): Promise<Feature[]> {
  const opened: Feature[] = [];
  try {
    for (const open of FEATURES) opened.push(await open(deps));
  } catch (err) {
    await closeAutonomy(opened);
    throw err;
  }
  return opened;
}

export async function closeAutonomy(
  features: Feature[],
  onError?: (err: unknown, what: string) => void,
): Promise<void> {
  for (const f of [...features].reverse()) {
    await f.close().catch((err) => onError?.(err, `closing ${f.name}`));
  }
}
