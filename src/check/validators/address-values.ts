import { bitsOf } from "../../ipam/ip.js";
import { ipText, subnetText } from "../cidr.js";
import { broadcastAddress, networkAddress } from "../../ipam/cidr.js";
import type { CheckContext, CheckedAddress } from "../context.js";

/** An address is well-formed and usable by a host: not a subnet's network or broadcast address. */
export function addressValue(a: CheckedAddress, ctx: CheckContext): void {
  const v = a.value;
  if (!v) {
    ctx.accept("NS311", a.span, { text: a.text });
    return;
  }
  const bits = bitsOf(v.family);
  // A bare address (taken as /32, /128) is the expander's warning (NS213), made where it is written.
  // /31 and /32 (RFC 3021), /127 and /128 have no network or broadcast address.
  if (v.prefix >= bits - 1) return;
  const subnet = subnetText(v);
  const addr = ipText(v);
  if (v.addr === networkAddress(v)) {
    if (v.family === 4) ctx.accept("NS313", a.span, { addr, subnet }, { hint: `the first host address is ${ipText({ family: 4, addr: v.addr + 1n })}` });
    else ctx.accept("NS313", a.span, { addr, subnet }, { severity: "warning", hint: "in IPv6 it is the subnet-router anycast address" });
  } else if (v.family === 4 && v.addr === broadcastAddress(v)) {
    ctx.accept("NS314", a.span, { addr, subnet }, { hint: `the last host address is ${ipText({ family: 4, addr: v.addr - 1n })}` });
  }
}
