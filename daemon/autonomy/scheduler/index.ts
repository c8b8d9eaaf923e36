// The scheduler feature: built-in, user and goal jobs on cron times, with every run kept; its JobScheduler goes into
// deps.services.scheduler for the features after it (goals define their scheduled runs there).
import type { AutonomyDeps, Feature } from '../types.ts';
import { type Clock, systemClock } from './clock.ts';
import { schedulerRoutes } from './routes.ts';
import { SchedulerService } from './service.ts';

export type { SchedulerService } from './service.ts';

/** The feature, plus its service for the daemon's tests and tools (`titan.autonomy` holds it). */
export interface SchedulerFeature extends Feature {
  scheduler: SchedulerService;
}

export async function openScheduler(
  deps: AutonomyDeps,
  clock: Clock = systemClock(deps.now),
): Promise<SchedulerFeature> {
  const service = new SchedulerService(deps, clock);
  await service.open();
  deps.services.scheduler = service;
  return {
    name: 'scheduler',
    scheduler: service,
    routes: (api) => schedulerRoutes(api, service),
    start: () => service.start(),
    async close() {
      if (deps.services.scheduler === service) deps.services.scheduler = undefined;
      await service.close();
    },
  };
}
