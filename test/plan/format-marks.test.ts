import { describe, it, expect } from "vitest";
import { plan } from "../../src/plan/plan.js";
import { formatPlan } from "../../src/plan/format.js";
import { emptyProjectState } from "../../src/model/state.js";
import { card, cardHost } from "./fixtures.js";

/** `plan` without --verbose hides the ownership marks; `--explain` says why an op is there. */
describe("plan text: ownership marks and reasons", () => {
  const r = plan(card(), cardHost(), { project: "card", previous: emptyProjectState("card") });

  it("hides the alias ops unless asked, keeps their numbers and counts them", () => {
    const marks = r.ops.filter((o) => o.effect.k === "alias");
    expect(marks.length).toBe(3);
    const hidden = formatPlan(r.ops, { format: "text", listMarks: false });
    expect(hidden).not.toContain("alias nsnet:card");
    expect(hidden).toContain(`${r.ops.length} ops (3 of them ownership marks, not listed; --verbose lists them)\n`);
    // numbering is the plan's (NSNET_FAIL_AT=N), so a hidden mark leaves a gap
    expect(hidden).toMatch(/\n +2 +ip: link add lxc1_veth0[^\n]*\n +4 +ip: link set lxc1_veth0 up/);
    const all = formatPlan(r.ops, { format: "text", listMarks: true });
    expect(all.match(/alias nsnet:card/g)?.length).toBe(3);
    expect(all).toContain(`${r.ops.length} ops\n`);
    // sh is a script that must do everything: the marks stay
    expect(formatPlan(r.ops, { format: "sh", listMarks: false }).match(/alias nsnet:card/g)?.length).toBe(3);
  });

  it("--explain says why: forwarding, proxy ARP with the kernel's delay, onlink, the marks", () => {
    const t = formatPlan(r.ops, { format: "text", explain: true, reasons: true, listMarks: true });
    expect(t).toContain("why: proxy ARP: the host answers ARP on this link");
    expect(t).toContain("up to proxy_delay (0.8 s by default)");
    expect(t).toContain("why: a namespace forwards packets between its interfaces only with forwarding on");
    expect(t).toContain("why: onlink: the gateway is not on any subnet of this device");
    expect(t).toContain("why: ownership mark: nsnet later deletes or changes only links carrying its project's alias");
    expect(formatPlan(r.ops, { format: "text", explain: true })).not.toContain("why:");
  });
});
