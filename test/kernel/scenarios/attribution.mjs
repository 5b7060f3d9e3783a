// A batch line that makes `ip` exit without naming it (its usage text, an invalid argument)
// must still be blamed on the right op, with only the lines before it undone. The ops are
// built by hand: nsnet's checker refuses such names long before a plan.
import { execute, readLive, runner, sandbox, out, sameWorld, StateStore } from "./lib.mjs";

await sandbox();
const project = "at";
const stateDir = "/run/nsnet";
const op = (index, effect, text) => ({ index, phase: "host", tool: "ip", ns: "host", text, summary: text, effect, inverse: null });
const ops = [
  { ...op(1, { k: "netns", name: "x1" }, "netns add x1"), inverse: { k: "netns-del", name: "x1" } },
  {
    ...op(2, { k: "link", at: "host", ns: "host", name: "br7", kind: "bridge" }, "link add br7 type bridge"),
    inverse: { k: "link-del", ns: "host", name: "br7" },
  },
  { ...op(3, { k: "alias", ns: "host", dev: "br7", alias: "nsnet:at" }, "link set br7 alias nsnet:at"), undoneWith: "link" },
  // `help` is read by `ip link` as its keyword: ip prints its usage and exits, naming no line
  {
    ...op(4, { k: "link", at: "host", ns: "host", name: "help", kind: "bridge" }, "link add help type bridge"),
    inverse: { k: "link-del", ns: "host", name: "help" },
  },
  { ...op(5, { k: "netns", name: "x2" }, "netns add x2"), inverse: { k: "netns-del", name: "x2" } },
];
const before = await readLive(runner);
const r = await execute(ops, runner, { project, stateDir });
out({
  status: r.status,
  failedOp: r.failure?.op?.index,
  left: (r.left ?? []).map((l) => l.command),
  diff: sameWorld(before, await readLive(runner)),
  applied: await new StateStore(project, stateDir).readState().then(
    (s) => s.applied.map((o) => o.text),
    (e) => e.message,
  ),
});
