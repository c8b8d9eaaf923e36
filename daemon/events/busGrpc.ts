// Starts the bus's gRPC service for plugins when settings.bus.grpc.enabled, behind the daemon's login tokens.
import type { Bus } from '../../bus/bus.ts';
import { type BusGrpc, startBusGrpc } from '../../bus/grpc/server.ts';
import type { TokenIssuer } from '../auth/tokens.ts';
import type { Settings } from '../config/schema.ts';
import type { Logs } from '../logs/logs.ts';

/**
 * Null when disabled or when it could not start: a busy port is logged as an error but does not stop the daemon,
 * since the user-facing HTTP side does not need it. Read once at start-up; changing bus.grpc takes a restart.
 */
export async function startBusGrpcIfEnabled(
  settings: Settings,
  bus: Bus,
  tokens: TokenIssuer,
  logs: Logs,
): Promise<BusGrpc | null> {
  const { enabled, port } = settings.bus.grpc;
  if (!enabled) return null;
  try {
    const grpc = await startBusGrpc({
      bus,
      port,
      host: '127.0.0.1',
      checkToken: (token) => tokens.check(token),
      onError: (err, what) =>
        logs.app.warn({ err: (err as Error)?.message ?? String(err), what }, 'bus gRPC: a step failed'),
    });
    logs.app.info({ port: grpc.port }, 'bus gRPC service listening on 127.0.0.1');
    return grpc;
  } catch (err) {
    logs.app.error(
      { err: (err as Error).message, port },
      'the bus gRPC service could not start (is the port in use? change bus.grpc.port); plugins cannot reach the bus',
    );
    return null;
  }
}
