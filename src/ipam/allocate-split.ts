/**
 * `pool NAME CIDR split /LEN`: one subnet per L2 segment. Every `addr auto` on one
 * segment — both ends of a veth link, the ports of one bridge — takes the next host address
 * of the same subnet, so a point-to-point link out of a /30 pool works (its two ends get
 * .1 and .2 of one /30, not the first hosts of two). Segments come from the checker's
 * union-find (src/check/segments.ts): the allocator and the checker agree on what one
 * segment is.
 *
 * Order of work (the same shape as a plain pool, one level up):
 * 1. taken subnets: `reserve`s, and every subnet holding a static address of the script.
 *    A segment whose own static address lies in a subnet adopts that subnet (its autos
 *    take the hosts left beside the static one, like a gateway in a plain pool). A static
 *    address in a subnet another segment holds from an earlier run, or on a host another
 *    interface of its segment holds, is an error naming the holder (NS415), as in a plain
 *    pool: what was handed out does not move for someone else's statement;
 * 2. sticky: a segment keeps the subnet its members held (the first member, in script
 *    order, that held one decides), and each member keeps its host if still free;
 * 3. new segments, in script order, get the lowest free subnet; members without a host
 *    get the lowest free host of it.
 * The snapshot records each owner's interface address with the split length
 * (`172.18.192.1/30`). A value holding the subnet's network address is a snapshot from
 * before segments (the subnet alone): its subnet is kept, its host chosen afresh.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diag } from "../diagnostics/codes.js";
import { devKey, type ResolvedAddress } from "../model/topology.js";
import { firstUsable, formatCidr, lastUsable, parseAddressOrCidr, type Cidr } from "./cidr.js";
import { FreeUnits } from "./free.js";
import { inRuns, reservedCount, unitBlock, unitOf, unitName, type PoolPlan } from "./pool.js";
import { takenByStatic, type AllocRequest, type StaticSite } from "./alloc-shared.js";

export type { StaticSite } from "./alloc-shared.js";

export interface SplitContext {
  plan: PoolPlan;
  requests: AllocRequest[];
  statics: StaticSite[];
  /** subnets held by other projects of a shared pool file */
  held: Cidr[];
  previous: Record<string, string>;
  resolved: (ResolvedAddress | undefined)[];
  diagnostics: Diagnostic[];
  /** segment id of a device key (src/check/segments.ts) */
  segmentOf: (key: string) => string;
}

interface SegmentWork {
  requests: AllocRequest[];
  /** the subnet (unit index), once known */
  unit?: bigint;
  /** host addresses of the subnet already used: statics, sticky hosts, handed out */
  used: Set<bigint>;
  /** request index (into `requests`) → host address */
  hosts: Map<number, bigint>;
}

/** Remembered value → subnet and host (null: a subnet-only value, host to choose afresh). */
function readPrevious(plan: PoolPlan, text: string): { unit: bigint; host: bigint | null } | string {
  const parsed = parseAddressOrCidr(text);
  if (!parsed || !parsed.hadPrefix) return "not an address with a prefix";
  const { cidr } = parsed;
  if (cidr.prefix !== plan.unitPrefix) return `not a /${plan.unitPrefix} address`;
  const unit = unitOf(plan, cidr.family, cidr.addr);
  if (unit === null) return `outside ${plan.cidr}`;
  const block = unitBlock(plan, unit);
  const usable = cidr.addr >= firstUsable(block) && cidr.addr <= lastUsable(block);
  return { unit, host: usable ? cidr.addr : null };
}

interface Holder {
  segment: string;
  req: AllocRequest;
  old: string;
  unit: bigint;
}

/** Who holds what from the previous run: per subnet the first member (in script order) of
 *  the segment that held it, per host address its holder. Only subnets that may still be
 *  kept count (a reservation or the pool's change frees them). */
function stickyHolders(ctx: SplitContext, keepable: (unit: bigint) => boolean): { subnets: Map<bigint, Holder>; hosts: Map<bigint, Holder>; all: Holder[] } {
  const subnets = new Map<bigint, Holder>();
  const hosts = new Map<bigint, Holder>();
  const all: Holder[] = [];
  for (const req of ctx.requests) {
    const old = Object.hasOwn(ctx.previous, req.owner) ? ctx.previous[req.owner]! : undefined;
    if (old === undefined) continue;
    const found = readPrevious(ctx.plan, old);
    if (typeof found === "string" || !keepable(found.unit)) continue;
    const h = { segment: ctx.segmentOf(devKey(req.assignment.ns, req.assignment.dev)), req, old, unit: found.unit };
    all.push(h);
    if (!subnets.has(found.unit)) subnets.set(found.unit, h);
    if (found.host !== null && !hosts.has(found.host)) hosts.set(found.host, h);
  }
  return { subnets, hosts, all };
}

const isOwnInterface = (s: StaticSite, req: AllocRequest) => s.ns === req.assignment.ns && s.dev === req.assignment.dev;

export function allocateSplitPool(ctx: SplitContext): Record<string, string> {
  const { plan, previous, diagnostics } = ctx;
  const { family } = plan.block;
  const name = plan.pool.name;
  const inRange = (u: bigint) => u >= plan.lo && u <= plan.hi;

  // Segments in script order of their first request.
  const segments = new Map<string, SegmentWork>();
  for (const req of ctx.requests) {
    const id = ctx.segmentOf(devKey(req.assignment.ns, req.assignment.dev));
    let seg = segments.get(id);
    if (!seg) segments.set(id, (seg = { requests: [], used: new Set(), hosts: new Map() }));
    seg.requests.push(req);
  }

  // 1. taken subnets; a segment adopts the subnet of its own first static address
  const fixed = new Set<bigint>(plan.reserved);
  const isFixed = (u: bigint) => fixed.has(u) || inRuns(plan, u);
  for (const h of ctx.held) {
    const unit = h.family === family ? unitOf(plan, family, h.addr) : null;
    if (unit !== null && inRange(unit)) fixed.add(unit);
  }
  const staticHosts = new Map<bigint, bigint[]>();
  const adopted = new Map<bigint, string>();
  const holders = stickyHolders(ctx, (u) => inRange(u) && !isFixed(u));
  const refused = new Set<AllocRequest>();
  for (const s of ctx.statics) {
    if (s.cidr.family !== family) continue;
    const unit = unitOf(plan, family, s.cidr.addr);
    if (unit === null || !inRange(unit)) continue;
    const id = ctx.segmentOf(devKey(s.ns, s.dev));
    // A subnet handed out to another segment, or a host handed out to another interface
    // of this one, stays with its holder: NS415 refuses the script. The result is built
    // as if the static address won, without also saying that the holders move (NS412).
    const holder = holders.subnets.get(unit);
    const host = holders.hosts.get(s.cidr.addr);
    if (holder && holder.segment !== id) {
      ctx.diagnostics.push(takenByStatic(s, holder.req, holder.old, name));
      for (const h of holders.all) if (h.unit === unit) refused.add(h.req);
    } else if (host && host.segment === id && !isOwnInterface(s, host.req)) {
      ctx.diagnostics.push(takenByStatic(s, host.req, host.old, name));
      refused.add(host.req);
    }
    fixed.add(unit);
    staticHosts.set(unit, [...(staticHosts.get(unit) ?? []), s.cidr.addr]);
    const seg = segments.get(id);
    if (seg && seg.unit === undefined && !adopted.has(unit)) {
      seg.unit = unit;
      adopted.set(unit, id);
    }
  }
  for (const seg of segments.values()) if (seg.unit !== undefined) for (const h of staticHosts.get(seg.unit) ?? []) seg.used.add(h);

  // 2. sticky subnets, then sticky hosts inside them
  const claimed = new Set<bigint>();
  const dropped = (req: AllocRequest, old: string, reason: string) => {
    if (!refused.has(req)) diagnostics.push(diag("NS412", req.assignment.valueSpan, { owner: req.owner, old, pool: name, reason }));
  };
  for (const seg of segments.values()) {
    const olds = seg.requests.map((req) => {
      const old = Object.hasOwn(previous, req.owner) ? previous[req.owner]! : undefined;
      return old === undefined ? undefined : { old, found: readPrevious(plan, old) };
    });
    if (seg.unit === undefined) {
      for (const o of olds) {
        if (!o || typeof o.found === "string") continue;
        const u = o.found.unit;
        if (inRange(u) && !isFixed(u) && !claimed.has(u)) {
          seg.unit = u;
          claimed.add(u);
          break;
        }
      }
    }
    // biome-ignore lint/suspicious/useIterableCallbackReturn: each `return dropped(…)` ends one request's case
    seg.requests.forEach((req, i) => {
      const o = olds[i];
      if (!o) return;
      const f = o.found;
      if (typeof f === "string") return dropped(req, o.old, f);
      if (f.unit !== seg.unit) {
        const why = !inRange(f.unit)
          ? "not a usable subnet of the pool"
          : isFixed(f.unit) && adopted.get(f.unit) === undefined
            ? "now reserved or statically assigned"
            : seg.unit === undefined
              ? "held by another segment"
              : `its L2 segment uses ${formatCidr(unitBlock(plan, seg.unit))}`;
        return dropped(req, o.old, why);
      }
      if (f.host === null) return; // a subnet-only snapshot: the subnet is kept, the host chosen below
      if (seg.used.has(f.host)) return dropped(req, o.old, "its host address is taken in the segment");
      seg.used.add(f.host);
      seg.hosts.set(i, f.host);
    });
  }

  // 3. new segments: lowest free subnet; then every member without a host: lowest free host
  const free = new FreeUnits<bigint>(plan.lo, plan.hi, [...fixed, ...claimed], plan.reservedRuns);
  const order = [...segments.values()];
  for (let s = 0; s < order.length; s++) {
    const seg = order[s]!;
    if (seg.unit !== undefined) continue;
    const unit = free.take();
    if (unit === null) {
      reportExhausted(
        ctx,
        order.slice(s).filter((x) => x.unit === undefined),
        reservedCount(plan, fixed),
      );
      break;
    }
    seg.unit = unit;
  }

  const owners: Record<string, string> = {};
  for (const seg of order) {
    if (seg.unit === undefined) continue;
    const block = unitBlock(plan, seg.unit);
    let next = firstUsable(block);
    const last = lastUsable(block);
    let full = false;
    seg.requests.forEach((req, i) => {
      let host = seg.hosts.get(i);
      if (host === undefined) {
        while (next <= last && seg.used.has(next)) next++;
        if (next > last) {
          if (!full) reportSegmentFull(ctx, seg, i, block);
          full = true;
          return;
        }
        host = next;
        seg.used.add(host);
      }
      const text = formatCidr({ family, addr: host, prefix: plan.unitPrefix });
      owners[req.owner] = text;
      const a = req.assignment;
      ctx.resolved[req.index] = { ns: a.ns, dev: a.dev, cidr: text, span: a.span, fromPool: name };
    });
  }
  return owners;
}

function reportExhausted(ctx: SplitContext, unserved: SegmentWork[], fixedCount: bigint): void {
  const { plan } = ctx;
  const req = unserved[0]!.requests[0]!;
  const left = unserved.reduce((n, s) => n + s.requests.length, 0);
  const kept = fixedCount ? ` (${fixedCount} more are reserved or statically assigned)` : "";
  ctx.diagnostics.push(
    diag(
      "NS401",
      req.assignment.valueSpan,
      {
        pool: plan.pool.name,
        cidr: plan.cidr,
        capacity: (plan.hi - plan.lo + 1n - fixedCount).toString(),
        unit: unitName(plan),
        owner: `${req.assignment.ns}:${req.assignment.dev}`,
        more: left > 1 ? ` and ${left - 1} more requester${left > 2 ? "s" : ""}` : "",
      },
      {
        related: [{ span: plan.pool.span, message: `pool ${plan.pool.name} is declared here${kept}` }],
        hint: "use a larger block or a longer split length (each L2 segment takes one subnet)",
      },
    ),
  );
}

function reportSegmentFull(ctx: SplitContext, seg: SegmentWork, first: number, block: Cidr): void {
  const { plan } = ctx;
  const req = seg.requests[first]!;
  const hosts = lastUsable(block) - firstUsable(block) + 1n;
  ctx.diagnostics.push(
    diag(
      "NS413",
      req.assignment.valueSpan,
      { owner: `${req.assignment.ns}:${req.assignment.dev}`, pool: plan.pool.name, subnet: formatCidr(block), hosts: hosts.toString() },
      {
        related: seg.requests
          .filter((_, i) => i !== first)
          .slice(0, 4)
          .map((r) => ({ span: r.assignment.valueSpan, message: `${r.assignment.ns}:${r.assignment.dev} is on the same L2 segment` })),
        hint: `a /${plan.unitPrefix} holds ${hosts} host address${hosts === 1n ? "" : "es"}: split the pool shorter, or give this interface a static address`,
      },
    ),
  );
}
