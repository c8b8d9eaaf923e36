// The built-in jobs: rescan the allowed folders, re-embed stale vectors, memory GC, a bus snapshot, the daily
// self-reflection and housekeeping (trash, deleted conversations). Each run says what it did in one sentence with numbers.
import { pendingCount } from '../../../memory/reembed.ts';
import type { AutonomyDeps, JobOutput, JobRunContext } from '../types.ts';

export interface BuiltinJob {
  id: string;
  description: string;
  /** Used when settings `scheduler.jobs` has no entry for the job. */
  cron: string;
  run(ctx: JobRunContext): Promise<JobOutput>;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The local midnight of the day before `at`: the last whole day a reflection at `at` can look back on. */
export function dayBefore(at: Date): Date {
  return new Date(at.getFullYear(), at.getMonth(), at.getDate() - 1);
}

async function rescanFiles(deps: AutonomyDeps, ctx: JobRunContext): Promise<JobOutput> {
  const roots = deps.files.roots();
  const live = roots.filter((r) => r.exists && !r.problem);
  ctx.progress(`walking ${plural(live.length, 'folder')}: ${live.map((r) => r.path).join(', ') || 'none'}`);
  const job = await deps.files.rescan().done;
  if (job.state === 'failed') throw new Error(`the rescan failed: ${job.error}`);
  const o = job.outcomes;
  const summary =
    `rescanned ${plural(job.total, 'file')} in ${plural(live.length, 'folder')}: ${o.indexed} ingested, ` +
    `${o.unchanged} unchanged, ${o.no_text + o.unsupported} without text, ${o.failed} failed; ` +
    `${plural(job.dropped, 'chunk')} of removed files dropped`;
  return {
    summary,
    details: {
      job_id: job.id,
      total: job.total,
      outcomes: o,
      dropped: job.dropped,
      failures: job.failures.slice(0, 10),
    },
  };
}

async function reembedStale(deps: AutonomyDeps, ctx: JobRunContext): Promise<JobOutput> {
  const { store } = deps.memory;
  const model = store.embedder.model;
  const [{ n: total } = { n: 0 }] = await store.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM memories');
  const before = await pendingCount(store);
  if (before === 0) {
    return {
      summary: `all ${plural(total, 'memory', 'memories')} already have vectors of ${model}; nothing to re-embed`,
      details: { model, total, pending: 0 },
    };
  }
  ctx.progress(`${before} of ${total} memories have no vector of ${model}`);
  const p = await deps.memory.startReembed();
  const after = await pendingCount(store);
  if (p.error) throw new Error(`re-embedding stopped: ${p.error}`);
  return {
    summary:
      `re-embedded ${plural(before - after, 'memory', 'memories')} of ${total} with ${model}` +
      (after > 0 ? `; ${after} still pending (the next run goes on)` : '; none left stale'),
    details: { model, total, before, after, table: store.table },
  };
}

async function memoryGc(deps: AutonomyDeps): Promise<JobOutput> {
  const cap = deps.settings.get().limits.memory_items;
  const r = await deps.memory.gc();
  return {
    summary:
      `removed ${r.expired} expired and ${r.overCap} over-cap memories (cap ${cap}), ${r.remaining} remain; ` +
      `graph: ${plural(r.graphOrphans, 'orphan node')} and ${plural(r.graphEdges, 'weak relation')} removed`,
    details: { ...r, cap },
  };
}

async function busSnapshot(deps: AutonomyDeps): Promise<JobOutput> {
  if (!deps.snapshots) {
    return {
      summary:
        'bus snapshots are off, so nothing was written: set bus.snapshots.endpoint and bus.snapshots.bucket ' +
        '(Settings → Bus) and restart Titan to turn them on',
      details: { enabled: false },
    };
  }
  const counts = await deps.snapshots.run();
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const bucket = deps.settings.get().bus.snapshots.bucket;
  // Counts come per stream key ("titan:{fs.v1}:low"): a user thinks in topics.
  const byTopic = new Map<string, number>();
  for (const [key, n] of Object.entries(counts)) {
    const topic = /\{([^}]+)\}/.exec(key)?.[1] ?? key;
    if (n > 0) byTopic.set(topic, (byTopic.get(topic) ?? 0) + n);
  }
  const parts = [...byTopic].map(([topic, n]) => `${topic} ${n}`);
  return {
    summary:
      total === 0
        ? `bus snapshot to bucket "${bucket}": 0 new events since the last one`
        : `bus snapshot to bucket "${bucket}": wrote ${plural(total, 'new event')} (${parts.join(', ')})`,
    details: { enabled: true, bucket, counts, total },
  };
}

async function selfReflection(deps: AutonomyDeps, ctx: JobRunContext): Promise<JobOutput> {
  const reflector = deps.services.reflection;
  if (!reflector) {
    throw new Error(
      'self-reflection is not available: the reflection feature is not running (the log says why it did not open)',
    );
  }
  const day = dayBefore(ctx.scheduled_for);
  ctx.progress(`reflecting on ${day.toDateString()}`);
  return reflector.reflect(day, ctx.signal);
}

async function housekeeping(deps: AutonomyDeps): Promise<JobOutput> {
  const days = deps.settings.get().folders.trash_days;
  // trash_days 0 keeps everything until the user empties it: deleted conversations too.
  const trashed = await deps.files.emptyTrash();
  const purged = days === 0 ? 0 : await deps.chatStore.purgeDeleted(days);
  return {
    summary:
      days === 0
        ? 'trash_days is 0, so the trash and deleted conversations are kept until emptied by hand: nothing removed'
        : `emptied ${plural(trashed, 'trash item')} and purged ${plural(purged, 'deleted conversation')} ` +
          `older than ${plural(days, 'day')}`,
    details: { trash_days: days, trash_items: trashed, conversations: purged },
  };
}

export function builtinJobs(deps: AutonomyDeps): BuiltinJob[] {
  return [
    {
      id: 'rescan-files',
      description: 'Rescan the allowed folders: ingest new and changed files, drop the chunks of removed ones',
      cron: '0 * * * *',
      run: (ctx) => rescanFiles(deps, ctx),
    },
    {
      id: 'reembed-stale',
      description: 'Re-embed memories whose vectors come from another embedding model than the current one',
      cron: '30 3 * * *',
      run: (ctx) => reembedStale(deps, ctx),
    },
    {
      id: 'memory-gc',
      description: 'Memory GC: drop expired memories, the weakest beyond the cap, and orphan graph nodes',
      cron: '0 4 * * *',
      run: () => memoryGc(deps),
    },
    {
      id: 'bus-snapshot',
      description: 'Write new bus events to the S3 snapshot bucket (when bus.snapshots is set)',
      cron: '*/5 * * * *',
      run: () => busSnapshot(deps),
    },
    {
      id: 'self-reflection',
      description: 'Daily self-reflection: a summary memory of the previous day',
      cron: '0 22 * * *',
      run: (ctx) => selfReflection(deps, ctx),
    },
    {
      id: 'housekeeping',
      description: 'Empty trash items and purge deleted conversations older than folders.trash_days',
      cron: '15 4 * * *',
      run: () => housekeeping(deps),
    },
  ];
}
