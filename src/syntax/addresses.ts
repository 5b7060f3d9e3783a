import { diag } from "../diagnostics/codes.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { isIpv6 } from "../ipam/ip.js";
import type { Span } from "../model/span.js";
import { dollarEnd, isIpv6Shape, shapeOf } from "./tokens.js";

/**
 * Lexical checks of address tokens (`10.0.0.300/24`, `10.0.0.1/33`, `2001:db8:::1`):
 * only what the text alone shows. Interpolated pieces are skipped; the expander checks
 * the final text again.
 */
export interface AddressProblem {
  /** offsets relative to the token start */
  start: number;
  end: number;
  /** the diagnostic (NS105, NS106 or NS107) at the absolute span of the offending part */
  at: (span: Span) => Diagnostic;
}

/** Pieces of `image` split at `sep`, never inside `$x` / `${…}`. */
function pieces(image: string, sep: string): { text: string; start: number; end: number }[] {
  const out: { text: string; start: number; end: number }[] = [];
  let start = 0;
  for (let j = 0; j < image.length; ) {
    if (image[j] === "$") {
      j = dollarEnd(image, j);
      continue;
    }
    if (image[j] === sep) {
      out.push({ text: image.slice(start, j), start, end: j });
      start = j + 1;
    }
    j++;
  }
  out.push({ text: image.slice(start), start, end: image.length });
  return out;
}

export function checkAddress(image: string): AddressProblem | undefined {
  const [addrPart, prefixPart] = ((): [{ text: string; start: number; end: number }, { text: string; start: number; end: number } | undefined] => {
    const ps = pieces(image, "/");
    if (ps.length === 1) return [ps[0]!, undefined];
    return [
      ps[0]!,
      {
        text: ps
          .slice(1)
          .map((p) => p.text)
          .join("/"),
        start: ps[1]!.start,
        end: image.length,
      },
    ];
  })();
  const { shape, interpolated } = shapeOf(addrPart.text);
  const v6 = isIpv6Shape(shape);
  if (!v6) {
    const octets = pieces(addrPart.text, ".");
    if (octets.length !== 4)
      return { start: 0, end: addrPart.end, at: (s) => diag("NS105", s, { text: image, reason: `it has ${octets.length} parts, not 4` }) };
    for (const o of octets) {
      if (o.text.includes("$")) continue;
      if (!/^\d+$/.test(o.text) || Number(o.text) > 255)
        return { start: o.start, end: o.end, at: (s) => diag("NS105", s, { text: image, reason: `${o.text} is not a number from 0 to 255` }) };
    }
  } else if (!interpolated && !isIpv6(addrPart.text)) {
    return { start: 0, end: addrPart.end, at: (s) => diag("NS106", s, { text: image }) };
  }
  if (prefixPart && !prefixPart.text.includes("$")) {
    const max = v6 ? 128 : 32;
    const n = /^\d+$/.test(prefixPart.text) ? Number(prefixPart.text) : NaN;
    if (!(n <= max))
      return {
        start: prefixPart.start,
        end: prefixPart.end,
        at: (s) => diag("NS107", s, { prefix: prefixPart.text, family: v6 ? "IPv6" : "IPv4", max }),
      };
  }
  return undefined;
}
