// The notifications feature: a store, the Notifier other features raise notifications through
// (deps.services.notifications), and the /api/notifications routes with their live stream.
import type { AutonomyDeps, Feature } from '../types.ts';
import { NotificationHub } from './notifier.ts';
import { notificationRoutes } from './routes.ts';
import { NotificationStore } from './store.ts';

export type { Notification } from './store.ts';

export async function openNotifications(deps: AutonomyDeps): Promise<Feature> {
  const hub = new NotificationHub(new NotificationStore(deps.engines.sql), deps.logs.app);
  deps.services.notifications = hub;
  // Open live streams, ended at close so the server can stop without waiting for browsers to leave.
  const streams = new Set<() => void>();
  return {
    name: 'notifications',
    routes(api, app) {
      notificationRoutes(api, app, { hub, streams });
    },
    async close() {
      for (const stop of [...streams]) stop();
      if (deps.services.notifications === hub) deps.services.notifications = undefined;
    },
  };
}
