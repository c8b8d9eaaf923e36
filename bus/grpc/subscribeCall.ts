// One Subscribe call: the first message opens a manual-ack bus subscription, later ones ack; deliveries are held back
// while the client's window is full, and when the call ends, whatever it had not acked stays pending for the group.
import { type ServerDuplexStream, type StatusObject, status } from '@grpc/grpc-js';
import type { Bus } from '../bus.ts';
import { BusError } from '../errors/busError.ts';
import type { BusEvent, Topic } from '../event.ts';
import type { HandlerContext, Subscription } from '../subscription.ts';
import { DeliveryWindow } from './deliveryWindow.ts';
import type { Delivery, SubscribeMessage, SubscribeRequest } from './proto.ts';

export type SubscribeStream = ServerDuplexStream<SubscribeMessage, Delivery>;
type EndStatus = Pick<StatusObject, 'code' | 'details'>;

export interface SubscribeCallDeps {
  bus: Bus;
  /** The most unacked deliveries one call may hold; a client may ask for fewer. */
  maxUnacked: number;
  onError: (err: unknown, what: string) => void;
}

export class SubscribeCall {
  private readonly call: SubscribeStream;
  private readonly deps: SubscribeCallDeps;
  private window: DeliveryWindow | undefined;
  private sub: Subscription | undefined;
  private opening = false;
  private ended = false;
  private finished: Promise<void> | undefined;

  constructor(call: SubscribeStream, deps: SubscribeCallDeps) {
    this.call = call;
    this.deps = deps;
  }

  /** Starts reading the client's messages; resolves once the call is over and its subscription stopped. */
  run(): Promise<void> {
    // Stopped (or cancelled) while the token was being checked.
    if (this.finished) return this.finished;
    if (this.call.cancelled || this.call.destroyed) return this.finish(null);
    const { promise, resolve } = Promise.withResolvers<void>();
    const gone = () => void this.finish(null).then(resolve);
    this.call.on('cancelled', gone);
    this.call.on('close', gone);
    this.call.on('error', gone);
    // The client half-closed: no acks can come any more, so the subscription is over.
    this.call.on('end', () => void this.finish({ code: status.OK, details: 'OK' }).then(resolve));
    this.call.on('data', (msg: SubscribeMessage) => this.onMessage(msg));
    return promise;
  }

  /** Ends the call with `end` (null: it is already gone), then stops the subscription; unacked events stay pending. */
  finish(end: EndStatus | null): Promise<void> {
    this.finished ??= this.close(end);
    return this.finished;
  }

  private async close(end: EndStatus | null): Promise<void> {
    this.ended = true;
    this.window?.close();
    if (end && !this.call.cancelled && !this.call.writableEnded) {
      if (end.code === status.OK) this.call.end();
      else this.call.emit('error', end);
    }
    if (this.sub) await this.stopSubscription(this.sub);
  }

  private async stopSubscription(sub: Subscription): Promise<void> {
    try {
      await this.deps.bus.unsubscribe(sub);
    } catch (err) {
      this.deps.onError(err, `stopping the gRPC subscription to ${sub.topic}/${sub.group}`);
    }
  }

  private onMessage(msg: SubscribeMessage): void {
    if (this.ended) return;
    if (msg.kind === 'subscribe' && msg.subscribe) {
      if (this.opening) return void this.finish(invalid('subscribe may be sent only once, as the first message'));
      this.opening = true;
      void this.open(msg.subscribe);
    } else if (msg.kind === 'ack' && msg.ack) {
      if (!this.opening) return void this.finish(invalid('send {subscribe: {topic, group}} first, then acks'));
      void this.ack(msg.ack.event_id);
    } else {
      void this.finish(invalid('each message must set either subscribe or ack'));
    }
  }

  private async open(req: SubscribeRequest): Promise<void> {
    if (req.start !== '' && req.start !== 'new' && req.start !== 'all') {
      return void this.finish(invalid('start must be "new", "all" or empty'));
    }
    const size = req.max_unacked > 0 ? Math.min(req.max_unacked, this.deps.maxUnacked) : this.deps.maxUnacked;
    this.window = new DeliveryWindow(size);
    try {
      const sub = await this.deps.bus.subscribe(
        req.topic as Topic,
        req.group,
        (event, ctx) => this.deliver(event, ctx),
        { manualAck: true, start: req.start === 'all' ? 'all' : 'new' },
      );
      // The client may have gone while the group was being created.
      if (this.ended) await this.stopSubscription(sub);
      else this.sub = sub;
    } catch (err) {
      if (err instanceof BusError) return void this.finish(invalid(err.message));
      this.deps.onError(err, `opening a gRPC subscription to ${req.topic}/${req.group}`);
      await this.finish({ code: status.INTERNAL, details: 'the subscription could not be opened; the log says why' });
    }
  }

  /**
   * The bus handler. It resolves without sending when the call is gone: with manualAck the event then simply stays
   * pending (throwing instead would count as a failed delivery, and retries end in the dead-letter queue).
   */
  private async deliver(event: BusEvent, ctx: HandlerContext): Promise<void> {
    const window = this.window as DeliveryWindow;
    // The bus reclaims entries idle past claimIdleMs, this call's own unacked ones too; the client already has them.
    if (window.holds(event.event_id)) return;
    if (!(await window.reserve(event.event_id)) || this.ended) return;
    this.call.write({
      event_id: event.event_id,
      topic: event.topic,
      event_type: event.event_type,
      event_json: JSON.stringify(event),
      deliveries: ctx.deliveries,
    } satisfies Delivery);
  }

  /** Only events this call holds are acked, so a client cannot ack (or free room with) another call's deliveries. */
  private async ack(eventId: string): Promise<void> {
    const { window, sub } = this;
    if (!window || !sub || !window.holds(eventId)) return;
    try {
      await sub.ack(eventId);
    } catch (err) {
      // The entry stays pending in the store; the bus reclaims and delivers it again later.
      this.deps.onError(err, `acking ${eventId} for gRPC subscriber ${sub.topic}/${sub.group}`);
    } finally {
      window.release(eventId);
    }
  }
}

function invalid(details: string): EndStatus {
  return { code: status.INVALID_ARGUMENT, details };
}
