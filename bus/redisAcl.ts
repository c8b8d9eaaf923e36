// Redis ACL rules per bus service role: each consumer's user gets only the stream keys and the commands its part of the
// bus uses, so a bug or a hostile plugin in one service cannot read, forge or wipe another's events.
import type { Cluster, Redis } from 'ioredis';
import { TOPICS, type Topic } from './event.ts';
import { PREFIX } from './keys.ts';

export type AclRole = 'core' | 'memory' | 'plugins' | 'audit';

/**
 * Commands with no key, which every daemon connection sends on its own: PING (health checks); INFO (ioredis's ready
 * check, which also tells a Sentinel client whether it reached a master; without it ioredis warns on every connect);
 * CLIENT SETNAME (createRedis names each connection "titan:<role>"); CLUSTER SLOTS and CLUSTER INFO (the Cluster
 * client's slot map and ready check); MULTI/EXEC/DISCARD (RedisTransport.claim checks XPENDING and XCLAIMs in one
 * transaction; the commands inside are still checked one by one). AUTH and HELLO need no grant. Not CONFIG: CONFIG GET
 * would reveal requirepass, so evictionPolicyWarning stays silent under these users.
 */
const CONNECTION = [
  ...['+ping', '+info', '+client|setname', '+cluster|slots', '+cluster|info'],
  ...['+multi', '+exec', '+discard'],
];

/**
 * A consumer group's work on a topic's streams (see Transport): XGROUP CREATE … MKSTREAM (ensureGroup), XREADGROUP
 * (new and own pending entries), XACK, XPENDING (stale entries, pending counts), XCLAIM (retries), XAUTOCLAIM (taking
 * over a dead consumer's entries) and XRANGE (replay).
 */
const CONSUME = ['xgroup|create', 'xreadgroup', 'xack', 'xpending', 'xclaim', 'xautoclaim', 'xrange'];

/** Publishing is XADD alone: its MAXLEN ~ does the trimming. */
const PUBLISH = ['xadd'];

/** Handler idempotency (Transport.markOnce/unmark): SET NX PX and DEL on the group's own dedup keys. */
const DEDUP = ['set', 'del'];

/** The DLQ admin that only core serves (list, count, discard, requeue): XRANGE, XLEN, XDEL on top of XADD. */
const DLQ_ADMIN = ['xrange', 'xlen', 'xdel'];

const MEMORY_TOPICS: Topic[] = ['chat.v1', 'fs.v1', 'system.v1'];

/** Key patterns matching bus/keys.ts for one prefix (keysFor(prefix)). */
const patterns = (prefix: string) => ({
  topic: (topic: Topic) => `${prefix}:{${topic}}:*`,
  dedup: (group: string) => `${prefix}:dedup:${group}:*`,
});

/**
 * A selector: the commands are allowed only on these keys. Needed because plain ACL rules pair every allowed command
 * with every allowed key, and XADD is a write whichever key it hits: "may XADD to the DLQ but not to chat.v1 it reads"
 * can only be said with one selector per grant (Redis ≥ 7.0).
 */
const grant = (commands: string[], keys: string[]) =>
  `(${[...commands.map((c) => `+${c}`), ...keys.map((k) => `~${k}`)].join(' ')})`;

/** Plugins may declare more topics to read; never the DLQ, which carries failed events of every topic. */
function pluginTopics(topics: string[]): Topic[] {
  for (const t of topics) {
    if (!(TOPICS as readonly string[]).includes(t) || t === 'errors.dlq') {
      throw new Error(`a plugin cannot be granted topic ${JSON.stringify(t)}`);
    }
  }
  return [...new Set(['plugin.v1', ...topics])] as Topic[];
}

/**
 * Selectors by role. Each role reads with the consumer group of its own name, so its dedup keys are
 * `titan:dedup:<role>:*`.
 * - core: publishes to and reads every topic, serves the DLQ admin (requeue XADDs to titan:{topic}:requeue:<group>,
 *   inside the topic's keys) and dedups as group core.
 * - memory: reads chat.v1, fs.v1 and system.v1; writes dead letters and its dedup keys. It does not publish: retries
 *   are XCLAIMs of the pending entry, and a requeue is written by core, so it needs no XADD on the topics it reads.
 * - plugins: reads plugin.v1 plus the declared topics, publishes to plugin.v1 only; writes dead letters (third-party
 *   handlers fail) and its dedup keys.
 * - audit: reads every topic and writes nothing but its acks. Its subscriptions must not be idempotent (no dedup
 *   keys), and an audit handler that keeps failing cannot be dead-lettered (NOPERM): it stays pending and is retried.
 */
function grants(role: AclRole, topics: string[], prefix: string): string[] {
  const { topic: topicKeys, dedup: dedupKeys } = patterns(prefix);
  const dlqWrite = grant(PUBLISH, [topicKeys('errors.dlq')]);
  switch (role) {
    case 'core':
      return [
        grant([...CONSUME, ...PUBLISH], TOPICS.map(topicKeys)),
        grant(DLQ_ADMIN, [topicKeys('errors.dlq')]),
        grant(DEDUP, [dedupKeys('core')]),
      ];
    case 'memory':
      return [grant(CONSUME, MEMORY_TOPICS.map(topicKeys)), dlqWrite, grant(DEDUP, [dedupKeys('memory')])];
    case 'plugins':
      return [
        grant(CONSUME, pluginTopics(topics).map(topicKeys)),
        grant(PUBLISH, [topicKeys('plugin.v1')]),
        dlqWrite,
        grant(DEDUP, [dedupKeys('plugins')]),
      ];
    case 'audit':
      return [grant(CONSUME, TOPICS.map(topicKeys))];
  }
}

/**
 * ACL SETUSER rule tokens for `role`, starting from nothing (no keys, channels, commands or selectors) so applying
 * them again replaces an older grant. The caller adds the password (`>secret`). `topics` only matters for plugins;
 * `prefix` is the one given to keysFor (a glob character in it would widen the grant, so it is checked).
 */
export function aclRules(role: AclRole, topics: string[] = ['plugin.v1'], prefix = PREFIX): string[] {
  if (!/^[A-Za-z0-9_.-]+$/.test(prefix)) throw new Error(`a key prefix cannot be ${JSON.stringify(prefix)}`);
  const reset = ['resetkeys', 'resetchannels', 'nocommands', 'clearselectors'];
  return [...reset, 'on', ...CONNECTION, ...grants(role, topics, prefix)];
}

/**
 * Creates or replaces `user` with `role`'s rules and this one password. ACLs are per node and not replicated: on a
 * Cluster client it runs on every node; with Sentinel, call it on each master and replica (or use an ACL file), or
 * the user will be missing after a failover.
 */
export async function applyAclUser(
  client: Redis | Cluster,
  user: string,
  password: string,
  role: AclRole,
  topics?: string[],
  prefix?: string,
): Promise<void> {
  const args = ['SETUSER', user, 'resetpass', `>${password}`, ...aclRules(role, topics, prefix)];
  const nodes = client.isCluster ? (client as Cluster).nodes('all') : [client as Redis];
  await Promise.all(nodes.map((n) => n.call('ACL', ...args)));
}
