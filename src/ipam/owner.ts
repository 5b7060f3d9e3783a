/**
 * Owner keys: who holds an allocation. `ns:dev#n` — the n-th `addr auto` (from 0) on
 * interface `dev` of namespace `ns` drawing from the same pool. Counting per pool keeps a
 * key stable when an `addr auto` from another pool is added to the same interface.
 */

export function ownerKey(ns: string, dev: string, index: number): string {
  return `${ns}:${dev}#${index}`;
}

/** The parts of an owner key, or null when the text is not one. */
export function parseOwnerKey(key: string): { ns: string; dev: string; index: number } | null {
  const m = /^([^:]+):(.+)#(0|[1-9][0-9]*)$/.exec(key);
  return m ? { ns: m[1]!, dev: m[2]!, index: Number(m[3]) } : null;
}
