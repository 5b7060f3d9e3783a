/**
 * One pool file shared by several projects (`--pool-file FILE`). On disk an owner key is prefixed with its project
 * (`web/a:eth0#0`); each project sees, through this view, only its own owners — and every
 * unit the others hold as `held`, which the allocator treats as taken. Writing back
 * replaces only the project's own owners. Load, allocate and save still happen under the
 * underlying store's one lock (`update`), so two projects never hand out one address.
 */
import type { AllocationSnapshot, PoolAllocations } from "./snapshot.js";
import type { AllocationStore } from "./store.js";

export class ProjectAllocations implements AllocationStore {
  private readonly prefix: string;

  constructor(
    private readonly shared: AllocationStore,
    readonly project: string,
  ) {
    this.prefix = `${project}/`;
  }

  /** The project's view of the shared snapshot. */
  view(all: AllocationSnapshot): AllocationSnapshot {
    const pools: Record<string, PoolAllocations> = {};
    for (const [name, p] of Object.entries(all.pools)) {
      const owners: Record<string, string> = {};
      const held: string[] = [...(p.held ?? [])];
      for (const [k, v] of Object.entries(p.owners)) {
        if (k.startsWith(this.prefix)) owners[k.slice(this.prefix.length)] = v;
        else held.push(v);
      }
      pools[name] = { cidr: p.cidr, owners, ...(held.length ? { held } : {}) };
    }
    return { version: 1, pools };
  }

  /** The shared snapshot with the project's owners replaced by `mine`. */
  merge(all: AllocationSnapshot, mine: AllocationSnapshot): AllocationSnapshot {
    const pools: Record<string, PoolAllocations> = {};
    for (const [name, p] of Object.entries(all.pools)) {
      const others = Object.fromEntries(Object.entries(p.owners).filter(([k]) => !k.startsWith(this.prefix)));
      pools[name] = { ...p, owners: others };
    }
    for (const [name, p] of Object.entries(mine.pools)) {
      const base = pools[name] ?? { cidr: p.cidr, owners: {} };
      const owners = { ...base.owners };
      for (const [k, v] of Object.entries(p.owners)) owners[this.prefix + k] = v;
      pools[name] = { ...base, cidr: p.cidr, owners };
    }
    for (const [name, p] of Object.entries(pools)) if (Object.keys(p.owners).length === 0) delete pools[name];
    return { version: 1, pools };
  }

  async load(): Promise<AllocationSnapshot> {
    return this.view(await this.shared.load());
  }

  async save(snapshot: AllocationSnapshot): Promise<void> {
    await this.update(() => ({ snapshot, value: undefined }));
  }

  async update<T>(fn: (snapshot: AllocationSnapshot) => { snapshot: AllocationSnapshot | null; value: T }): Promise<T> {
    return this.shared.update((all) => {
      const { snapshot, value } = fn(this.view(all));
      return { snapshot: snapshot ? this.merge(all, withoutHeld(snapshot)) : null, value };
    });
  }
}

function withoutHeld(s: AllocationSnapshot): AllocationSnapshot {
  const pools: Record<string, PoolAllocations> = {};
  for (const [name, p] of Object.entries(s.pools)) pools[name] = { cidr: p.cidr, owners: p.owners, ...(p.last !== undefined ? { last: p.last } : {}) };
  return { version: 1, pools };
}
