/**
 * The allocator (docs/architecture.md §10): resolves every `addr` of the topology to a concrete CIDR.
 * Pure — the previous allocations come in as a snapshot and the new ones go out as one;
 * reading and writing them is the store's business (store-fs.ts).
 *
 * Order of work, per pool:
 * 1. taken: network/broadcast (outside [lo, hi]), `reserve`s, and every static address of
 *    the topology that falls inside the pool (a bridge's gateway address is declared this
 *    way — `addr 10.22.0.1/16` on the bridge keeps .1 out of the pool);
 * 2. sticky: each requester whose owner key holds an allocation in the snapshot keeps it if
 *    it still fits (inside the pool, right length, not reserved, not claimed by another).
 *    It moves only when the owner's own statement, the pool or a reservation changed: a
 *    static address of another interface on it is an error naming the holder (NS415), as
 *    CNI host-local refuses a requested IP already allocated;
 * 3. new requesters, in script order, get the lowest free unit.
 * Owners absent from the script are dropped from the returned snapshot, freeing their units.
 * A `split` pool works one level up — a subnet per L2 segment, a host per `addr auto` —
 * in allocate-split.ts.
 */
import { devKey, type AddressedTopology, type ResolvedAddress, type Topology } from "../model/topology.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diag } from "../diagnostics/codes.js";
import { didYouMean } from "../diagnostics/suggest.js";
import { formatCidr, parseAddressOrCidr, type Cidr } from "./cidr.js";
import { FreeUnits } from "./free.js";
import { ownerKey } from "./owner.js";
import { planPools, reservedCount, unitName, type PoolPlan } from "./pool.js";
import { codecFor, type UnitCodec } from "./units.js";
import type { AllocationSnapshot, PoolAllocations } from "./snapshot.js";
import { allocateSplitPool } from "./allocate-split.js";
import { takenByStatic, type AllocRequest, type StaticSite } from "./alloc-shared.js";
export { takenByStatic } from "./alloc-shared.js";
// The checker's notion of an L2 segment, so both agree (pure: it reads the topology only).
import { computeSegments } from "../check/segments.js";

export interface AllocateResult {
  topology: AddressedTopology;
  diagnostics: Diagnostic[];
  allocations: AllocationSnapshot;
}

export type { AllocRequest } from "./alloc-shared.js";
type Request = AllocRequest;

export function allocate(topo: Topology, store: AllocationSnapshot): AllocateResult {
  const { plans, diagnostics } = planPools(topo.pools);
  const resolved: (ResolvedAddress | undefined)[] = new Array(topo.addresses.length);

  // Static addresses: canonicalised, and taken from every pool they fall in. Text that does
  // not parse is left to the checker (it owns address syntax diagnostics).
  const sites: StaticSite[] = [];
  topo.addresses.forEach((a, i) => {
    if (a.spec.kind !== "static") return;
    const parsed = parseAddressOrCidr(a.spec.cidr);
    if (!parsed) return;
    resolved[i] = { ns: a.ns, dev: a.dev, cidr: formatCidr(parsed.cidr), span: a.span };
    sites.push({ cidr: parsed.cidr, ns: a.ns, dev: a.dev, span: a.valueSpan });
  });

  const requests = collectRequests(topo, plans, diagnostics);
  // Split pools hand out one subnet per L2 segment: computed once, only when needed.
  let segmentOf: ((key: string) => string) | undefined;
  const pools: Record<string, PoolAllocations> = {};
  for (const [name, plan] of plans) {
    const previous = store.pools[name]?.owners ?? {};
    const held = (store.pools[name]?.held ?? []).flatMap((h) => parseAddressOrCidr(h)?.cidr ?? []);
    const reqs = requests.get(name) ?? [];
    let owners: Record<string, string>;
    if (plan.split) {
      segmentOf ??= computeSegments(topo).segmentOf;
      owners = allocateSplitPool({ plan, requests: reqs, statics: sites, held, previous, resolved, diagnostics, segmentOf });
    } else {
      const ctx: PoolContext = { plan, requests: reqs, statics: sites, held, previous, resolved, diagnostics };
      const codec = codecFor(plan);
      owners = typeof codec.lo === "number" ? allocatePool(ctx, codec as UnitCodec<number>) : allocatePool(ctx, codec as UnitCodec<bigint>);
    }
    pools[name] = { cidr: plan.cidr, owners };
  }

  const topology: AddressedTopology = { ...topo, resolved: resolved.filter((r): r is ResolvedAddress => r !== undefined) };
  return { topology, diagnostics, allocations: { version: 1, pools } };
}

interface PoolContext {
  plan: PoolPlan;
  requests: Request[];
  statics: StaticSite[];
  /** held by other projects of a shared pool file */
  held: Cidr[];
  previous: Record<string, string>;
  resolved: (ResolvedAddress | undefined)[];
  diagnostics: Diagnostic[];
}

/** Group `addr auto` requests by pool, naming each owner; report pool-less and unknown-pool requests. */
function collectRequests(topo: Topology, plans: Map<string, PoolPlan>, diagnostics: Diagnostic[]): Map<string, Request[]> {
  const declared = [...new Set(topo.pools.map((p) => p.name))];
  const byPool = new Map<string, Request[]>();
  const counters = new Map<string, Map<string, number>>();
  topo.addresses.forEach((a, index) => {
    if (a.spec.kind !== "auto") return;
    let name = a.spec.pool;
    if (name === undefined) {
      if (declared.length === 0) {
        diagnostics.push(diag("NS409", a.valueSpan, {}, { hint: "declare one, e.g. `pool lan 10.0.0.0/24`, then `addr auto from lan`" }));
        return;
      }
      if (declared.length > 1) {
        diagnostics.push(
          diag("NS410", a.valueSpan, { count: declared.length, names: declared.join(", ") }, { suggestions: declared.map((n) => `addr auto from ${n}`) }),
        );
        return;
      }
      name = declared[0]!;
    } else if (!declared.includes(name)) {
      diagnostics.push(
        diag(
          "NS408",
          a.spec.poolSpan ?? a.valueSpan,
          { pool: name },
          {
            suggestions: didYouMean(name, declared),
            hint: declared.length ? `declared pools: ${declared.join(", ")}` : "no pool is declared; add `pool NAME CIDR`",
          },
        ),
      );
      return;
    }
    if (!plans.has(name)) return; // the pool itself is in error, reported already
    let list = byPool.get(name);
    let seen = counters.get(name);
    if (!list || !seen) {
      byPool.set(name, (list = []));
      counters.set(name, (seen = new Map()));
    }
    const dev = devKey(a.ns, a.dev);
    const n = seen.get(dev) ?? 0;
    seen.set(dev, n + 1);
    list.push({ index, owner: ownerKey(a.ns, a.dev, n), assignment: a });
  });
  return byPool;
}

function allocatePool<U extends number | bigint>(ctx: PoolContext, codec: UnitCodec<U>): Record<string, string> {
  const { plan, requests, previous, resolved, diagnostics } = ctx;
  const name = plan.pool.name;
  const inRange = (u: U) => u >= codec.lo && u <= codec.hi;

  // network/broadcast are outside [lo, hi]; reserves, other projects' units and statics
  // inside it are fixed
  const singles = new Set<U>(plan.reserved.map(codec.fromIndex));
  const runs = plan.reservedRuns.map(([a, b]) => [codec.fromIndex(a), codec.fromIndex(b)] as const);
  const reserved = (u: U) => singles.has(u) || runs.some(([a, b]) => u >= a && u <= b);
  const held = new Set<U>();
  for (const c of ctx.held) {
    const u = codec.fromAddress(c.family, c.addr);
    if (u !== null && inRange(u)) held.add(u);
  }
  const staticAt = new Map<U, StaticSite>();
  for (const s of ctx.statics) {
    const u = codec.fromAddress(s.cidr.family, s.cidr.addr);
    if (u !== null && inRange(u) && !staticAt.has(u)) staticAt.set(u, s);
  }
  const fixed = new Set<U>([...singles, ...held, ...staticAt.keys()]);

  const units: (U | undefined)[] = new Array(requests.length);
  const claimed = new Set<U>();
  for (let r = 0; r < requests.length; r++) {
    const req = requests[r]!;
    const old = Object.hasOwn(previous, req.owner) ? previous[req.owner]! : undefined;
    if (old === undefined) continue;
    const found = codec.fromSnapshot(old);
    let reason: string | null = null;
    const site = typeof found === "string" ? undefined : staticAt.get(found);
    if (typeof found === "string") reason = found;
    else if (!inRange(found)) reason = "not a usable host address of the pool";
    else if (reserved(found)) reason = "now reserved";
    else if (held.has(found)) reason = "now held by another project of the pool file";
    else if (claimed.has(found)) reason = "held by another owner";
    else if (site && site.ns === req.assignment.ns && site.dev === req.assignment.dev) reason = "now a static address of its own interface";
    else if (site) {
      // the script is refused, so nothing moves; in this result the holder takes a stand-in
      // only so that the checker does not report the same collision again
      diagnostics.push(takenByStatic(site, req, old, name));
      continue;
    } else {
      units[r] = found;
      claimed.add(found);
    }
    if (reason !== null) {
      diagnostics.push(diag("NS412", req.assignment.valueSpan, { owner: req.owner, old, pool: name, reason }));
    }
  }

  const free = new FreeUnits<U>(codec.lo, codec.hi, [...fixed, ...claimed], runs);
  for (let r = 0; r < requests.length; r++) {
    if (units[r] !== undefined) continue;
    const unit = free.take();
    if (unit === null) {
      const kept = reservedCount(
        plan,
        [...fixed].map((u) => BigInt(u)),
      );
      reportExhausted(plan, codec.size() - kept, requests, units, r, kept, diagnostics);
      break;
    }
    units[r] = unit;
  }

  const owners: Record<string, string> = {};
  for (let r = 0; r < requests.length; r++) {
    const unit = units[r];
    if (unit === undefined) continue;
    const req = requests[r]!;
    const text = codec.ownerText(unit);
    owners[req.owner] = text;
    const a = req.assignment;
    resolved[req.index] = { ns: a.ns, dev: a.dev, cidr: text, span: a.span, fromPool: name };
  }
  return owners;
}

function reportExhausted(
  plan: PoolPlan,
  capacity: bigint,
  requests: Request[],
  units: unknown[],
  first: number,
  fixedCount: bigint,
  diagnostics: Diagnostic[],
): void {
  let left = 0;
  for (let r = first; r < requests.length; r++) if (units[r] === undefined) left++;
  const req = requests[first]!;
  const kept = fixedCount ? ` (${fixedCount} more are reserved or statically assigned)` : "";
  diagnostics.push(
    diag(
      "NS401",
      req.assignment.valueSpan,
      {
        pool: plan.pool.name,
        cidr: plan.cidr,
        capacity: capacity.toString(),
        unit: unitName(plan),
        owner: `${req.assignment.ns}:${req.assignment.dev}`,
        more: left > 1 ? ` and ${left - 1} more requester${left > 2 ? "s" : ""}` : "",
      },
      {
        related: [{ span: plan.pool.span, message: `pool ${plan.pool.name} is declared here${kept}` }],
        hint: plan.split ? "use a larger block or a longer split length" : "use a larger block (a shorter prefix), or fewer `reserve`s",
      },
    ),
  );
}
