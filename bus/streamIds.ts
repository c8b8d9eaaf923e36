// Stream entry ids ("<ms>-<seq>"): comparison, the next id after one, and time bounds for ranges.
export const MAX_SEQ = '18446744073709551615';

function parts(id: string): [bigint, bigint] {
  const [ms = '0', seq = '0'] = id.split('-');
  return [BigInt(ms), BigInt(seq)];
}

export function compareIds(a: string, b: string): number {
  const [am, as] = parts(a);
  const [bm, bs] = parts(b);
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

/** The smallest id greater than `id`, for exclusive paging with inclusive XRANGE. */
export function nextId(id: string): string {
  const [ms, seq] = parts(id);
  return seq === BigInt(MAX_SEQ) ? `${ms + 1n}-0` : `${ms}-${seq + 1n}`;
}

export const startOf = (ms: number) => `${Math.max(0, Math.floor(ms))}-0`;
export const endOf = (ms: number) => `${Math.max(0, Math.floor(ms))}-${MAX_SEQ}`;

/** Milliseconds of the store's clock when the entry was written. */
export const idTime = (id: string) => Number(id.split('-')[0]);
