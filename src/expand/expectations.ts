import type * as A from "../ast/nodes.js";
import { parseAddressOrCidr } from "../ipam/cidr.js";
import { parseIp } from "../ipam/ip.js";
import { validateSysctlKey, validateSysctlValue } from "../model/names.js";
import type { Expectation } from "../model/topology.js";
import { evalTemplate, evalWords } from "./evaluate.js";
import type { Body, Expansion } from "./expansion.js";
import type { Scope } from "./scope.js";
import { integer } from "./values.js";

/** `expect …` of every form, with `points N` (0–1000, default 1) for `nsnet grade`. */
export function expectation(x: Expansion, s: A.ExpectStmt, _body: Body, scope: Scope): void {
  const from = evalTemplate(s.from, scope, x.report);
  if (from === undefined) return;
  const fromSpan = s.from.span;
  const e = form(x, s, scope, from, fromSpan);
  if (!e) return;
  if (s.points) {
    const points = integer(x, s.points, scope, { what: "points", min: 0, max: 1000 });
    if (points === undefined) return;
    e.points = points;
    e.pointsSpan = s.points.span;
  }
  x.topo.expects.push(e);
}

function address(x: Expansion, t: A.Template, scope: Scope, what: string, cidr = false): string | undefined {
  const v = evalTemplate(t, scope, x.report);
  if (v === undefined) return undefined;
  if (cidr ? v === "default" || parseAddressOrCidr(v) !== null : parseIp(v) !== null) return v;
  x.report("NS209", t.span, { text: v, what });
  return undefined;
}

function form(x: Expansion, s: A.ExpectStmt, scope: Scope, from: string, fromSpan: A.Template["span"]): Expectation | undefined {
  const span = s.span;
  switch (s.kind) {
    case "reach": {
      const to = evalTemplate(s.to, scope, x.report);
      const via = s.via ? evalTemplate(s.via, scope, x.report) : undefined;
      if (to === undefined || (s.via && via === undefined)) return undefined;
      return { kind: "reach", from, fromSpan, to, toSpan: s.to.span, negate: s.negate, ...(s.via && via ? { via, viaSpan: s.via.span } : {}), span };
    }
    case "http": {
      const url = evalTemplate(s.url, scope, x.report);
      const status = integer(x, s.status, scope, { what: "an HTTP status", min: 100, max: 599 });
      if (url === undefined || status === undefined) return undefined;
      return { kind: "http", url, urlSpan: s.url.span, status, from, fromSpan, span };
    }
    case "tcp": {
      const target = evalTemplate(s.target, scope, x.report);
      if (target === undefined) return undefined;
      const m = /^\[([^\]]+)\]:(\d+)$/.exec(target) ?? /^([^:]+):(\d+)$/.exec(target);
      const port = m ? Number(m[2]) : NaN;
      if (!m || !(port >= 1 && port <= 65535)) {
        x.report(
          "NS209",
          s.target.span,
          { text: target, what: "ADDR:PORT target" },
          { hint: "write HOST:PORT with a port from 1 to 65535 ([2001:db8::1]:80 for IPv6)" },
        );
        return undefined;
      }
      return { kind: "tcp", host: m[1]!, port, targetSpan: s.target.span, from, fromSpan, span };
    }
    case "sees": {
      const watcher = evalTemplate(s.watcher, scope, x.report);
      const as = address(x, s.as, scope, "address");
      if (watcher === undefined || as === undefined) return undefined;
      return { kind: "sees", watcher, watcherSpan: s.watcher.span, from, fromSpan, as, asSpan: s.as.span, span };
    }
    case "route": {
      const dst = address(x, s.dst, scope, "route destination (default or a CIDR)", true);
      const via = s.via ? address(x, s.via, scope, "gateway address") : undefined;
      const dev = s.dev ? evalTemplate(s.dev, scope, x.report) : undefined;
      if (dst === undefined || (s.via && via === undefined) || (s.dev && dev === undefined)) return undefined;
      return { kind: "route", from, fromSpan, dst, dstSpan: s.dst.span, ...(via ? { via } : {}), ...(dev ? { dev } : {}), span };
    }
    case "sysctl": {
      const key = evalTemplate(s.key, scope, x.report);
      const value = evalTemplate(s.value, scope, x.report);
      if (key === undefined || value === undefined) return undefined;
      const keyProblem = validateSysctlKey(key);
      if (keyProblem) {
        x.report("NS214", s.key.span, { key, reason: keyProblem });
        return undefined;
      }
      const valueProblem = validateSysctlValue(value);
      if (valueProblem) {
        x.report("NS215", s.value.span, { key, reason: valueProblem });
        return undefined;
      }
      return { kind: "sysctl", from, fromSpan, key, keySpan: s.key.span, value, span };
    }
    case "command": {
      const argv: string[] = [];
      for (const w of s.argv) {
        const words = evalWords(w, scope, x.report);
        if (words === undefined) return undefined;
        argv.push(...words);
      }
      const p = s.pattern;
      const source = p.kind === "regex" ? p.source : evalTemplate(p.text, scope, x.report);
      if (source === undefined) return undefined;
      const flags = p.kind === "regex" ? p.flags : "";
      const patternSpan = p.kind === "regex" ? p.span : p.text.span;
      const shown = p.kind === "regex" ? `/${p.source}/${p.flags}` : JSON.stringify(source);
      try {
        new RegExp(source, flags);
      } catch (err) {
        x.report("NS224", patternSpan, { pattern: shown, reason: (err as Error).message.replace(/^Invalid regular expression: /, "") });
        return undefined;
      }
      return { kind: "command", from, fromSpan, argv, pattern: source, flags, patternSpan, span };
    }
  }
}
