import { describe, expect, it } from "vitest";
import { checkLive } from "../../src/check/live.js";
import { compileText } from "../../src/engine/compile.js";
import { HOST } from "../../src/model/topology.js";
import { LiveFake } from "./live-fake.js";

// With a host default route already there, `plan` listed `route add default via …` without a
// word and `up` failed halfway (exit 3, File exists). The live check now refuses it at the line.
const SCRIPT = `uplink eth0
host < addr 192.0.2.2/24 on eth0; route default via 192.0.2.254 >
host < route 198.51.100.0/24 via 192.0.2.9 >
`;

function live(routes: { dst: string; via?: string; dev?: string; family?: 4 | 6; proto?: string }[]) {
  const f = new LiveFake().link(HOST, "eth0").addr(HOST, "eth0", "192.0.2.2/24");
  for (const r of routes) f.state.routes.push({ ns: HOST, family: 4, dev: "eth0", ...r });
  return f.state;
}

const compiled = () => compileText(SCRIPT, "h.nsnet").addressed!;

describe("live check: host routes someone else made", () => {
  it("refuses a default route when the host routes default elsewhere, pointing at `default`", () => {
    const ds = checkLive(compiled(), live([{ dst: "default", via: "192.0.2.1", proto: "dhcp" }]), { project: "p" });
    expect(ds.map((d) => [d.code, d.severity, `${d.span.start.line}:${d.span.start.column}`])).toEqual([["NS506", "error", "2:41"]]);
    expect(ds[0]!.message).toBe("the host already has a route to default (via 192.0.2.1 dev eth0 proto dhcp), which is not ours");
    expect(ds[0]!.hint).toBe("keep the host's route (leave this one out), or remove it first: ip route del default via 192.0.2.1");
  });

  it("refuses any host route whose destination is taken, compared canonically", () => {
    const ds = checkLive(compiled(), live([{ dst: "198.51.100.0/24", via: "192.0.2.8" }]), { project: "p" });
    expect(ds.map((d) => [d.code, d.span.start.line])).toEqual([["NS506", 3]]);
  });

  it("is quiet when the live route is the same, is IPv6, or is this project's own", () => {
    expect(checkLive(compiled(), live([{ dst: "default", via: "192.0.2.254" }]), { project: "p" })).toEqual([]);
    expect(checkLive(compiled(), live([{ dst: "default", via: "2001:db8::1", family: 6 }]), { project: "p" })).toEqual([]);
    const owned = {
      project: "p",
      ownedRoutes: [
        { ns: HOST, dst: "default" },
        { ns: HOST, dst: "198.51.100.0/24" },
      ],
    };
    expect(
      checkLive(
        compiled(),
        live([
          { dst: "default", via: "192.0.2.1" },
          { dst: "198.51.100.0/24", via: "192.0.2.7" },
        ]),
        owned,
      ),
    ).toEqual([]);
  });
});
