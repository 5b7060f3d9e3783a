/**
 * What the whole-pool allocator (allocate.ts) and the split-pool allocator
 * (allocate-split.ts) share: a request, a static site, and NS415. In a module of their own
 * so that neither allocator imports the other for them.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diag } from "../diagnostics/codes.js";
import type { Span } from "../model/span.js";
import type { AddressAssignment } from "../model/topology.js";
import type { Cidr } from "./cidr.js";
import { formatIp } from "./ip.js";

/** One `addr auto`: its index in topology.addresses, its owner key, the assignment. */
export interface AllocRequest {
  index: number;
  owner: string;
  assignment: AddressAssignment;
}
/** A static address of the script with the device it is on and its token. */
export interface StaticSite {
  cidr: Cidr;
  ns: string;
  dev: string;
  span: Span;
}

/** NS415: a static address on an address the allocator handed out to another interface. */
export function takenByStatic(site: StaticSite, holder: AllocRequest, old: string, pool: string): Diagnostic {
  const who = `${holder.assignment.ns}:${holder.assignment.dev}`;
  const addr = formatIp(site.cidr.family, site.cidr.addr);
  return diag(
    "NS415",
    site.span,
    { addr, holder: who, pool, held: old },
    {
      related: [{ span: holder.assignment.valueSpan, message: `${who} holds ${old} from pool ${pool} (sticky: an earlier run handed it out)` }],
      hint: `give ${site.ns}:${site.dev} another address (\`addr auto from ${pool}\` takes a free one); to move ${who} instead, add \`reserve ${addr}\` to pool ${pool} or change ${who}'s own \`addr\` statement, and it gets another address at the next \`up\``,
    },
  );
}
