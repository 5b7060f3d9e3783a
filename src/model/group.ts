/**
 * The items of a list that share a key, grouped once per list: a plan, a `down` or an
 * ownership check asks about each of N namespaces or devices, and a scan of the whole list
 * per question made them O(N²). Lists of live and desired state are replaced, never
 * changed in place; the length check catches one that grew anyway.
 */
export interface Grouping<B> {
  key: (x: B) => string;
  cache: WeakMap<readonly B[], { n: number; by: Map<string, B[]> }>;
}

export function grouping<B>(key: (x: B) => string): Grouping<B> {
  return { key, cache: new WeakMap() };
}

/** The items of `items` whose key is `k`, in list order. */
export function groupOf<T extends B, B>(g: Grouping<B>, items: readonly T[], k: string): readonly T[] {
  let entry = g.cache.get(items);
  if (!entry || entry.n !== items.length) {
    const by = new Map<string, B[]>();
    for (const x of items) {
      const kx = g.key(x);
      const list = by.get(kx);
      if (list) list.push(x);
      else by.set(kx, [x]);
    }
    entry = { n: items.length, by };
    g.cache.set(items, entry);
  }
  return (entry.by.get(k) ?? []) as T[];
}

/** Grouped by place (`ns`): what most questions about live and desired state ask for. */
export const byNs = grouping<{ ns: string }>((x) => x.ns);
