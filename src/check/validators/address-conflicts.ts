import { ipText } from "../cidr.js";
import type { CheckContext, CheckedAddress } from "../context.js";

/**
 * The same address twice in one L2 segment (both sites). Segments are what make vagga's
 * layout legal: guests on separate bridges may share addresses. One pass, indexed by
 * segment and address.
 */
export function addressConflicts(ctx: CheckContext): void {
  for (const list of ctx.addressesBySegment.values()) {
    if (list.length < 2) continue;
    const first = new Map<string, CheckedAddress>();
    for (const a of list) {
      if (!a.value) continue;
      const key = `${a.value.family}|${a.value.addr}`;
      const seen = first.get(key);
      if (!seen) {
        first.set(key, a);
        continue;
      }
      const addr = ipText(a.value);
      const where = (x: CheckedAddress) => `${x.ns}:${x.dev}`;
      ctx.accept(
        "NS312",
        a.span,
        { addr },
        {
          related: [{ span: seen.span, message: `${addr} is also on \`${where(seen)}\` here` }],
          hint:
            where(seen) === where(a)
              ? `\`${where(a)}\` is given ${addr} twice`
              : `\`${where(seen)}\` and \`${where(a)}\` share a segment (a bridge, a veth pair or a macvlan parent); give one another address`,
        },
      );
    }
  }
}
