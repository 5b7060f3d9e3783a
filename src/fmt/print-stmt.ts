import type { LinkAttrs, Statement, Template } from "../ast/nodes.js";
import type { Expr } from "../ast/nodes.js";
import { printArg, printExpr, printIfRef, printInterpolation, printTemplate } from "./print-expr.js";

/**
 * The canonical words of one statement, without its block: keywords lowercase, one space
 * between words, optional parts in the order the README's language section lists them. For statements with a
 * block this is the head that precedes `<`.
 */
export function printHead(s: Statement): string {
  const w: string[] = [];
  const t = (x: Template) => w.push(printTemplate(x));
  switch (s.type) {
    case "Ns":
      w.push("ns");
      t(s.name);
      break;
    case "Host":
      w.push("host");
      break;
    case "Bridge":
      w.push("bridge");
      t(s.name);
      if (s.existing) w.push("existing");
      break;
    case "Pool":
      w.push("pool", s.name.name);
      t(s.cidr);
      if (s.split) w.push("split", `/${s.split.prefix}`);
      if (s.reserve.length) {
        w.push("reserve");
        s.reserve.forEach(t);
      }
      break;
    case "Uplink":
      w.push("uplink");
      t(s.name);
      break;
    case "Let":
      w.push("let", s.name.name, "=", printExpr(s.value));
      break;
    case "Def":
      w.push("def", `${s.name.name}(${s.params.map((p) => p.name).join(", ")})`);
      break;
    case "CallStmt":
      w.push(`${s.callee.name}(${s.args.map(printExpr).join(", ")})`);
      break;
    case "Use":
      w.push("use");
      t(s.path);
      break;
    case "For":
      w.push("for", s.variable.name, "in");
      if (s.iter.kind === "range") w.push(`${printExpr(s.iter.from)}..${printExpr(s.iter.to)}`);
      else w.push(printExpr(s.iter.list));
      break;
    case "Nat":
      w.push("nat", "from", printIfRef(s.from), "to", printIfRef(s.to));
      break;
    case "Portmap":
      w.push("portmap", s.proto, printExpr(s.hostPort), "to", `${printTemplate(s.ns)}:${portPiece(s.port)}`);
      break;
    case "Partition":
      w.push("partition");
      if (s.groups === null) w.push("off");
      else w.push(s.groups.map((g) => g.map(printTemplate).join(" ")).join(" | "));
      break;
    case "Expect":
      w.push("expect");
      if (s.kind === "reach") {
        t(s.from);
        if (s.negate) w.push("not");
        w.push("reaches");
        t(s.to);
        if (s.via) w.push("via", printTemplate(s.via));
      } else if (s.kind === "http") {
        w.push("http");
        t(s.url);
        w.push("status", printExpr(s.status), "from");
        t(s.from);
      } else if (s.kind === "tcp") {
        w.push("tcp");
        t(s.target);
        w.push("open", "from");
        t(s.from);
      } else printExpectMore(s, w);
      if (s.points) w.push("points", printExpr(s.points));
      break;
    case "On":
      w.push("on", s.action);
      t(s.pattern);
      break;
    case "Run":
      w.push("run", "in");
      t(s.ns);
      for (const a of s.argv) w.push(printArg(a));
      break;
    case "Exec":
      w.push("exec");
      t(s.ns);
      for (const a of s.argv) w.push(printArg(a));
      break;
    case "Veth":
      w.push("veth");
      if (s.pair) w.push("pair");
      if (s.farName) t(s.farName);
      if (s.as) w.push("as", printTemplate(s.as));
      if (s.to) w.push("to", printIfRef(s.to));
      if (s.peer) w.push("peer", s.peer.name ? `${printTemplate(s.peer.ns)}:${printTemplate(s.peer.name)}` : printTemplate(s.peer.ns));
      linkAttrs(w, s);
      break;
    case "Macvlan":
    case "Ipvlan":
      w.push(s.type === "Macvlan" ? "macvlan" : "ipvlan", "on", printIfRef(s.parent));
      if (s.mode) w.push("mode", s.mode.value);
      if (s.as) w.push("as", printTemplate(s.as));
      linkAttrs(w, s);
      break;
    case "Vlan":
      w.push("vlan", printExpr(s.id), "on", printIfRef(s.parent));
      if (s.as) w.push("as", printTemplate(s.as));
      linkAttrs(w, s);
      break;
    case "Move":
      w.push("move", printIfRef(s.dev));
      if (s.as) w.push("as", printTemplate(s.as));
      linkAttrs(w, s);
      break;
    case "Addr":
      w.push("addr");
      if (s.value.kind === "static") t(s.value.cidr);
      else {
        w.push("auto");
        if (s.value.pool) w.push("from", s.value.pool.name);
      }
      if (s.on) w.push("on", printIfRef(s.on));
      break;
    case "Route":
      w.push("route", s.dst.kind === "default" ? "default" : printTemplate(s.dst.cidr));
      if (s.via) w.push("via", printTemplate(s.via));
      if (s.dev) w.push("dev", printIfRef(s.dev));
      if (s.onlink) w.push("onlink");
      break;
    case "ProxyArp":
      w.push("proxyarp", "on", printIfRef(s.on));
      break;
    case "Sysctl":
      w.push("sysctl");
      if (s.machine) w.push("machine");
      t(s.key);
      w.push("=");
      t(s.value);
      break;
    case "LinkState":
      w.push(s.state, printIfRef(s.dev));
      break;
    case "NeighProxy":
      w.push("neigh", "proxy");
      t(s.addr);
      w.push("on", printIfRef(s.on));
      break;
  }
  return w.join(" ");
}

/** The port of `NS:PORT` is part of one word: a number, `$p` or `${expr}`. */
function portPiece(e: Expr): string {
  return e.type === "Number" ? String(e.value) : printInterpolation(e, "");
}

/** `mtu N`, `hwaddr MAC`, then `hairpin`: the canonical order. */
function linkAttrs(w: string[], s: LinkAttrs): void {
  if (s.mtu) w.push("mtu", printExpr(s.mtu));
  if (s.hwaddr) w.push("hwaddr", printTemplate(s.hwaddr));
  if (s.hairpin) w.push("hairpin");
}

/** The expect forms of issue 22 (sees, route, sysctl, `NS: CMD… matches PATTERN`). */
function printExpectMore(s: Extract<Statement, { type: "Expect" }>, w: string[]): void {
  switch (s.kind) {
    case "sees":
      w.push(printTemplate(s.watcher), "sees", printTemplate(s.from), "as", printTemplate(s.as));
      break;
    case "route":
      w.push(printTemplate(s.from), "route", printTemplate(s.dst));
      if (s.via) w.push("via", printTemplate(s.via));
      if (s.dev) w.push("dev", printTemplate(s.dev));
      break;
    case "sysctl":
      w.push(printTemplate(s.from), "sysctl", printTemplate(s.key), "=", printTemplate(s.value));
      break;
    case "command":
      w.push(`${printTemplate(s.from)}:`);
      // a bare word `matches` would end the command there: quote it
      for (const a of s.argv)
        w.push(!a.quoted && a.parts.length === 1 && a.parts[0]!.kind === "text" && a.parts[0]!.text === "matches" ? '"matches"' : printArg(a));
      w.push("matches", s.pattern.kind === "regex" ? `/${s.pattern.source}/${s.pattern.flags}` : printTemplate(s.pattern.text));
      break;
    default:
      break;
  }
}
