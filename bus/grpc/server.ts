// The bus as a gRPC service (titan_bus.proto) for plugins in other languages: loopback only, every call needs a JWT.
import {
  type Metadata,
  Server,
  ServerCredentials,
  type ServerErrorResponse,
  type ServerUnaryCall,
  type sendUnaryData,
  status,
} from '@grpc/grpc-js';
import type { Bus } from '../bus.ts';
import { BusError } from '../errors/busError.ts';
import { InvalidEventError } from '../errors/invalidEvent.ts';
import type { Priority } from '../event.ts';
import { loadBusService, type PublishReply, type PublishRequest } from './proto.ts';
import { SubscribeCall, type SubscribeStream } from './subscribeCall.ts';

export interface BusGrpcOptions {
  bus: Bus;
  /** 0 picks a free port; `port` of the result says which. */
  port: number;
  /** A loopback address: 127.0.0.1 (default) or ::1. Anything else is refused. */
  host?: string;
  /** Resolves to null when the token is valid, else to the reason (TokenIssuer.check). */
  checkToken: (token: string) => Promise<string | null>;
  /** Unacked deliveries one Subscribe call may hold before the server waits for acks. Default: 100. */
  maxUnacked?: number;
  /** How long stop() lets calls in progress finish before cutting them. Default: 2,000 ms. */
  shutdownGraceMs?: number;
  /** Told of failures inside the server (a store error while acking…). Default: ignore. */
  onError?: (err: unknown, what: string) => void;
}

export interface BusGrpc {
  port: number;
  /** Ends every Subscribe call (UNAVAILABLE), stops their subscriptions, then the server. */
  stop(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1']);
// The largest event is 32 KB serialized; a request a little over that is already bad.
const MAX_MESSAGE_BYTES = 64 * 1024;

/** The reason a call may not proceed, or null when its metadata carries one valid `authorization: Bearer <jwt>`. */
async function authProblem(metadata: Metadata, checkToken: BusGrpcOptions['checkToken']): Promise<string | null> {
  const values = metadata.get('authorization');
  if (values.length === 0)
    return 'log in first (POST /api/auth/login), then send metadata "authorization: Bearer <token>"';
  const m =
    values.length === 1 && typeof values[0] === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(values[0]) : null;
  if (!m?.[1]) return 'the authorization metadata must be one "Bearer <token>"';
  // A check that fails outright (it should not) refuses the call rather than letting it through.
  return checkToken(m[1]).catch(() => 'the token could not be checked: try again');
}

function unauthenticated(details: string): ServerErrorResponse {
  return Object.assign(new Error(details), { code: status.UNAUTHENTICATED, details });
}

function failure(code: status, details: string): ServerErrorResponse {
  return Object.assign(new Error(details), { code, details });
}

/** Turns the wire request into bus.publish arguments; the bus itself validates topic, type, priority, trace id and size. */
function publishFrom(bus: Bus, req: PublishRequest): Promise<string> {
  let payload: unknown = {};
  if (req.payload_json !== '') {
    try {
      payload = JSON.parse(req.payload_json);
    } catch (err) {
      throw new InvalidEventError(`payload_json is not JSON: ${(err as Error).message}`);
    }
  }
  return bus.publish(req.topic, req.event_type, payload, {
    priority: req.priority === '' ? undefined : (req.priority as Priority),
    traceId: req.trace_id === '' ? undefined : req.trace_id,
    source: 'grpc',
  });
}

function publishHandler(opts: BusGrpcOptions, onError: (err: unknown, what: string) => void) {
  return async function publish(
    call: ServerUnaryCall<PublishRequest, PublishReply>,
    callback: sendUnaryData<PublishReply>,
  ): Promise<void> {
    const problem = await authProblem(call.metadata, opts.checkToken);
    if (problem) return callback(unauthenticated(problem));
    try {
      callback(null, { event_id: await publishFrom(opts.bus, call.request) });
    } catch (err) {
      if (err instanceof BusError) return callback(failure(status.INVALID_ARGUMENT, err.message));
      onError(err, 'publishing over gRPC');
      callback(failure(status.INTERNAL, 'the event could not be published; the log says why'));
    }
  };
}

function subscribeHandler(
  opts: BusGrpcOptions,
  calls: Set<SubscribeCall>,
  onError: (err: unknown, what: string) => void,
) {
  return async function subscribe(call: SubscribeStream): Promise<void> {
    const session = new SubscribeCall(call, { bus: opts.bus, maxUnacked: opts.maxUnacked ?? 100, onError });
    calls.add(session);
    const problem = await authProblem(call.metadata, opts.checkToken);
    if (problem) await session.finish({ code: status.UNAUTHENTICATED, details: problem });
    else await session.run();
    calls.delete(session);
  };
}

function bind(server: Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port)));
  });
}

function shutdown(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Starts the service; plaintext is acceptable only because it never leaves the machine, hence loopback only. */
export async function startBusGrpc(opts: BusGrpcOptions): Promise<BusGrpc> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new Error(`the bus gRPC service listens on 127.0.0.1 or ::1 only, not "${host}"`);
  const onError = opts.onError ?? (() => {});
  const calls = new Set<SubscribeCall>();
  const server = new Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  });
  server.addService(loadBusService().service, {
    Publish: publishHandler(opts, onError),
    Subscribe: subscribeHandler(opts, calls, onError),
  });
  const port = await bind(server, host.includes(':') ? `[${host}]:${opts.port}` : `${host}:${opts.port}`);
  let stopping: Promise<void> | undefined;
  return {
    port,
    stop() {
      stopping ??= (async () => {
        await Promise.all([...calls].map((c) => c.finish({ code: status.UNAVAILABLE, details: 'titan is stopping' })));
        await shutdown(server, opts.shutdownGraceMs ?? 2000);
      })();
      return stopping;
    },
  };
}
