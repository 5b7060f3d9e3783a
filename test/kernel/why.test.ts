import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { inSandbox, nsnet, scriptFile, type Step, type StepsResult } from "./cli-sandbox.js";

/**
 * `why` held to the kernel (issue 22 item 1): for the labs' broken and fixed scripts, and
 * the router lab's steps in between, applied in a sandbox, `nsnet why` says "broken"
 * exactly when `ping -c1 -W1` gets no answer — walking the kernel's state (root in the
 * sandbox) and the script alone (--static) — and its first hop is what `ip route get`
 * says: the same device and gateway, or no route where the kernel has none. A warm-up
 * ping first fills the neighbour caches, so the kernel's proxy-ARP delay (up to 0.8 s per
 * answer) cannot make the -W1 probe time out on a path that works.
 */
const lab = (name: string, v: string) => readFileSync(`examples/labs/${name}/${v}.nsnet`, "utf8");
const ROUTER_SOLUTION = lab("router", "solution");
const variants: Record<string, string> = {
  "router-start": lab("router", "start"),
  "router-h1-routed": ROUTER_SOLUTION.replace("  sysctl net.ipv4.ip_forward = 1\n", "").replace("; route default via 198.51.100.1", ""),
  "router-no-route-back": ROUTER_SOLUTION.replace("; route default via 198.51.100.1", ""),
  "router-wrong-gateway": ROUTER_SOLUTION.replace("route default via 192.0.2.1", "route default via 192.0.2.99"),
  "router-solution": ROUTER_SOLUTION,
  "nat-reversed": lab("nat", "start"),
  "nat-missing": lab("nat", "solution").replace("  nat from lan to wan\n", ""),
  "nat-solution": lab("nat", "solution"),
};
const ADDR: Record<string, string> = {
  h1: "192.0.2.10",
  h3: "198.51.100.10",
  r1: "192.0.2.1",
  outside: "203.0.113.100",
  lan: "192.0.2.1",
  c1: "192.0.2.10",
  c2: "192.0.2.11",
};

interface Probe {
  variant: string;
  a: string;
  b: string;
}

/** The steps probing a→b in a sandbox where FILE is up: warm-up, ping, route get, why live and static. */
function probeSteps(file: string, a: string, b: string): Step[] {
  const ping = (w: string): Step => ({ run: ["ip", "netns", "exec", a, "ping", "-n", "-c1", `-W${w}`, ADDR[b]!] });
  return [
    ping("2"),
    ping("1"),
    { run: ["ip", "-j", "-n", a, "route", "get", ADDR[b]!] },
    nsnet("why", file, a, b, "--json"),
    nsnet("why", file, a, b, "--json", "--static"),
  ];
}

function judge(p: Probe, runs: StepsResult["runs"]): void {
  const [, ping, routeGet, live, model] = runs;
  const what = `${p.variant}: ${p.a} → ${p.b}`;
  const answered = ping!.status === 0;
  for (const w of [live!, model!]) {
    expect([0, 1], `${what}: ${w.argv.join(" ")}\n${w.stderr}`).toContain(w.status);
    const j = JSON.parse(w.stdout);
    expect(j.reachable, `${what} (${j.source}): ping ${answered ? "answered" : "got no answer"}; why says ${j.finding?.message ?? "reachable"}`).toBe(answered);
    const first = j.legs[0]?.hops[0];
    if (routeGet!.status === 0) {
      const [kernel] = JSON.parse(routeGet!.stdout);
      expect({ dev: first?.out, via: first?.via }, `${what} (${j.source}): ip route get`).toEqual({ dev: kernel.dev, via: kernel.gateway });
    } else {
      expect(routeGet!.stderr).toMatch(/unreachable/i);
      expect(j.finding, `${what} (${j.source}): the kernel has no route`).toMatchObject({
        code: "NS601",
        message: expect.stringContaining(`${p.a} → ${p.b}: '${p.a}' has no route`),
      });
    }
  }
}

describe("why agrees with the kernel (sandbox)", () => {
  it("router and NAT labs: broken, in between, solved", async () => {
    const pairs: [string, string][] = [
      ["h1", "h3"],
      ["h3", "h1"],
      ["h1", "outside"],
      ["outside", "h1"],
    ];
    const probes: (Probe & { up: number; at: number })[] = [];
    const steps: Step[] = [];
    for (const [variant, text] of Object.entries(variants)) {
      const file = scriptFile(`${variant}.nsnet`, text);
      const up = steps.length;
      steps.push(nsnet("up", file, "--project", variant));
      for (const [a, b] of pairs) {
        if (!text.includes(`ns ${a} `) || !text.includes(`ns ${b} `)) continue;
        probes.push({ variant, a, b, up, at: steps.length });
        steps.push(...probeSteps(file, a, b));
      }
      steps.push(nsnet("down", file, "--project", variant));
    }
    const r = await inSandbox(scriptFile("empty.nsnet", "# the variants are applied one after the other\n"), steps, { timeoutMs: 300_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const verdicts: string[] = [];
    for (const p of probes) {
      expect(r.runs[p.up]!.status, `${p.variant} up: ${r.runs[p.up]!.stderr}`).toBe(0);
      const runs = r.runs.slice(p.at, p.at + 5);
      judge(p, runs);
      verdicts.push(`${p.variant} ${p.a}→${p.b} ${runs[1]!.status === 0 ? "ok" : "broken"}`);
    }
    // both outcomes were seen: the agreement is not the trivial one
    expect(verdicts).toContain("router-start h1→h3 broken");
    expect(verdicts).toContain("router-solution h1→h3 ok");
    expect(verdicts).toContain("nat-reversed h1→outside broken");
    expect(verdicts).toContain("nat-solution h1→outside ok");
    expect(verdicts).toContain("nat-solution outside→h1 broken");
  }, 320_000);

  for (const v of ["start", "solution"]) {
    it(`proxy ARP lab (${v}): the LAN behind the simulated uplink and the containers`, async () => {
      const file = scriptFile(`proxyarp-${v}.nsnet`, lab("proxyarp", v));
      const pairs: [string, string][] = [
        ["lan", "c2"],
        ["c2", "lan"],
        ["lan", "c1"],
        ["c1", "c2"],
      ];
      const r = await inSandbox(
        file,
        pairs.flatMap(([a, b]) => probeSteps(file, a, b)),
      );
      expect(r.exitCode, r.stderr).toBe(0);
      for (const [k, [a, b]] of pairs.entries()) judge({ variant: `proxyarp-${v}`, a, b }, r.runs.slice(k * 5, k * 5 + 5));
      expect(r.runs[1]!.status === 0).toBe(v === "solution");
    }, 120_000);
  }
});
