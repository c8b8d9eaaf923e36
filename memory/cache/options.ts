// The short-term cache's options, shared by both engines, with their defaults.

export interface ShortTermCacheOptions {
  /** Items kept per conversation (config limits.cache_messages); older ones drop off. Default 50. */
  max?: number;
  /** Seconds a conversation lives after its last push (config limits.cache_ttl_s). Default 3600. */
  ttlSeconds?: number;
}

export const DEFAULT_MAX = 50;
export const DEFAULT_TTL_SECONDS = 3600;

/** Positive integers, so a bad value cannot turn LTRIM or EXPIRE into "delete everything". */
export function resolveOptions(opts: ShortTermCacheOptions): { max: number; ttlSeconds: number } {
  const int = (v: number | undefined, fallback: number) =>
    v !== undefined && Number.isFinite(v) && v >= 1 ? Math.floor(v) : fallback;
  return { max: int(opts.max, DEFAULT_MAX), ttlSeconds: int(opts.ttlSeconds, DEFAULT_TTL_SECONDS) };
}

/** How many of the newest items `recent` returns: at most `limit`, none for a non-positive one. */
export const recentCount = (limit: number): number => (Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : 0);
