// A test client of the bus gRPC service (@grpc/grpc-js + titan_bus.proto), as a plugin in another language would use it.
import {
  type Client,
  type ClientDuplexStream,
  credentials,
  Metadata,
  type ServiceError,
  type StatusObject,
} from '@grpc/grpc-js';
import {
  type Delivery,
  loadBusService,
  type PublishReply,
  type PublishRequest,
  type SubscribeMessage,
  type SubscribeRequest,
} from '../../bus/grpc/proto.ts';

interface RawBusClient extends Client {
  Publish(req: Partial<PublishRequest>, md: Metadata, cb: (err: ServiceError | null, res?: PublishReply) => void): void;
  Subscribe(md: Metadata): ClientDuplexStream<SubscribeMessage, Delivery>;
}

export interface RemoteSubscriber {
  /** Every delivery received so far, in order. */
  deliveries: Delivery[];
  ack(eventId: string): void;
  /** Sends any message, e.g. one the server should refuse. */
  send(msg: SubscribeMessage): void;
  /** The call's final status: OK when it ended cleanly, else the error status. */
  ended: Promise<Pick<StatusObject, 'code' | 'details'>>;
  cancel(): void;
  halfClose(): void;
}

export interface BusClient {
  /** `authorization` is the whole metadata value ("Bearer …"); undefined sends none. */
  publish(req: Partial<PublishRequest>, authorization?: string): Promise<PublishReply>;
  /** Opens Subscribe and sends `req` as its first message (unless it is null). */
  subscribe(req: Partial<SubscribeRequest> | null, authorization?: string): RemoteSubscriber;
  close(): void;
}

export const bearer = (token: string) => `Bearer ${token}`;

function metadata(authorization: string | undefined): Metadata {
  const md = new Metadata();
  if (authorization !== undefined) md.set('authorization', authorization);
  return md;
}

function remoteSubscriber(call: ClientDuplexStream<SubscribeMessage, Delivery>): RemoteSubscriber {
  const deliveries: Delivery[] = [];
  call.on('data', (d: Delivery) => deliveries.push(d));
  // Errors also arrive as 'status'; without a listener an error status would crash the test process.
  call.on('error', () => {});
  const ended = new Promise<StatusObject>((resolve) => call.on('status', resolve));
  return {
    deliveries,
    ack: (eventId) => call.write({ ack: { event_id: eventId } }),
    send: (msg) => call.write(msg),
    ended,
    cancel: () => call.cancel(),
    halfClose: () => call.end(),
  };
}

export function busClient(port: number): BusClient {
  const Service = loadBusService();
  const client = new Service(`127.0.0.1:${port}`, credentials.createInsecure()) as unknown as RawBusClient;
  return {
    publish(req, authorization) {
      return new Promise((resolve, reject) => {
        client.Publish(req, metadata(authorization), (err, res) => (err ? reject(err) : resolve(res as PublishReply)));
      });
    },
    subscribe(req, authorization) {
      const call = client.Subscribe(metadata(authorization));
      const sub = remoteSubscriber(call);
      if (req) call.write({ subscribe: { topic: 'plugin.v1', group: 'g', start: '', max_unacked: 0, ...req } });
      return sub;
    },
    close: () => client.close(),
  };
}
