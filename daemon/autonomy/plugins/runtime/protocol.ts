// The IPC messages between the daemon and a plugin process, checked with valibot on both sides: neither trusts the
// other's shapes (a plugin may be buggy or hostile; the host's replies are checked so a runtime bug fails loudly).
import * as v from 'valibot';

const Id = v.pipe(v.number(), v.integer(), v.minValue(0));
const Failure = v.object({ code: v.pipe(v.string(), v.maxLength(64)), message: v.pipe(v.string(), v.maxLength(4000)) });

/** What the runtime is told at start (argv[2], JSON): which plugin, where, and the hosts it may reach. */
export const ChildConfig = v.object({
  name: v.string(),
  main: v.string(),
  network: v.array(v.string()),
});
export type ChildConfig = v.InferOutput<typeof ChildConfig>;

export const HOST_OPS = ['files.read', 'files.list', 'files.write', 'publish', 'notify'] as const;
export type HostOp = (typeof HOST_OPS)[number];

/** Daemon → plugin. */
export const ToChild = v.variant('t', [
  v.object({ t: v.literal('call'), id: Id, tool: v.string(), args: v.unknown() }),
  v.object({ t: v.literal('event'), id: Id, topic: v.string(), event: v.record(v.string(), v.unknown()) }),
  v.object({ t: v.literal('reply'), id: Id, ok: v.literal(true), value: v.unknown() }),
  v.object({ t: v.literal('reply'), id: Id, ok: v.literal(false), error: Failure }),
]);
export type ToChild = v.InferOutput<typeof ToChild>;

/** Plugin → daemon. */
export const FromChild = v.variant('t', [
  v.object({
    t: v.literal('ready'),
    tools: v.pipe(v.array(v.string()), v.maxLength(200)),
    topics: v.pipe(v.array(v.string()), v.maxLength(10)),
  }),
  v.object({ t: v.literal('done'), id: Id, ok: v.literal(true), value: v.unknown() }),
  v.object({ t: v.literal('done'), id: Id, ok: v.literal(false), error: Failure }),
  v.object({ t: v.literal('host'), id: Id, op: v.picklist(HOST_OPS), args: v.record(v.string(), v.unknown()) }),
  v.object({
    t: v.literal('log'),
    level: v.picklist(['debug', 'info', 'warn', 'error']),
    msg: v.pipe(v.string(), v.maxLength(4000)),
  }),
]);
export type FromChild = v.InferOutput<typeof FromChild>;
