import { describe, it, expect } from "vitest";
import { compileText } from "../../src/engine/compile.js";
import { plan } from "../../src/plan/plan.js";
import { emptyLiveState } from "../../src/model/live.js";
import { emptyProjectState } from "../../src/model/state.js";

/** The planner's own findings (NS59x), from source text through the real pipeline. */
function planCodes(src: string): { code: string; line: number }[] {
  const c = compileText(src, "t.nsnet");
  expect(
    c.diagnostics.filter((d) => d.severity === "error"),
    JSON.stringify(c.diagnostics),
  ).toEqual([]);
  const r = plan(c.addressed!, emptyLiveState(), { project: "p", previous: emptyProjectState("p") });
  return r.diagnostics.map((d) => ({ code: d.code, line: d.span.start.line }));
}

describe("planner diagnostics", () => {
  it("NS591: proxyarp needs a veth whose other end is in the host", () => {
    const src = `uplink eth0
host < addr 198.51.100.2/24 on eth0; route default via 198.51.100.1 >
ns a < veth peer b; addr 198.51.100.3/24; proxyarp on eth0 >
ns b
`;
    expect(planCodes(src)).toContainEqual({ code: "NS591", line: 3 });
  });

  it("NS592: a host sysctl whose current value was not read cannot be restored", () => {
    const src = `host < sysctl net.ipv4.conf.all.rp_filter = 0 >
`;
    expect(planCodes(src)).toContainEqual({ code: "NS592", line: 1 });
  });

  it("NS594: partition needs a namespace that forwards between the groups", () => {
    const src = `ns a < veth peer b; addr 192.0.2.1/24 >
ns b < addr 192.0.2.2/24 >
partition a | b
`;
    expect(planCodes(src).map((d) => d.code)).toContain("NS594");
  });

  it("NS596: a macvlan's parent must be in the host or in the same namespace", () => {
    const src = `ns a < veth peer b:up0 >
ns b
ns c < macvlan on b:up0; addr 192.0.2.9/24 >
`;
    expect(planCodes(src)).toContainEqual({ code: "NS596", line: 3 });
  });
});
