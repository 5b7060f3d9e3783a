// Shared by the kernel scenarios: loads the build the harness made, prepares the sandbox,
// prints one JSON line. Runs only under unshare (prepareSandbox refuses otherwise).
const B = process.env.NSNET_BUILD;
if (!B) throw new Error("NSNET_BUILD not set: run through test/kernel/sandbox.ts");

export const { execute } = await import(`${B}/exec/execute.js`);
export const { readLive } = await import(`${B}/exec/live.js`);
export const { recover, downProject } = await import(`${B}/exec/recover.js`);
export const { prepareSandbox } = await import(`${B}/exec/sandbox.js`);
export const { ProcessRunner } = await import(`${B}/exec/runner.js`);
export const { StateStore } = await import(`${B}/exec/state-store.js`);
export const { diffLive, describeDiff } = await import(`${B}/exec/compare.js`);
export const { effectOf } = await import(`${B}/plan/read.js`);

export const runner = new ProcessRunner();
export const args = JSON.parse(process.argv[2] ?? "{}");

export async function sandbox(uplinks = []) {
  await prepareSandbox(runner, uplinks);
}

export function out(v) {
  process.stdout.write(JSON.stringify(v) + "\n");
}

/** A fact-level diff of two live states (whole states: every namespace). */
export function sameWorld(a, b) {
  return describeDiff(diffLive(a, b));
}

/** ≥ 15 ops over two namespaces, a bridge, veths, addresses, routes, a proxy, sysctls. */
export function midOps(project, p = "", { net = 2, hostSysctl = true } = {}) {
  const A = `${p}a`,
    Bn = `${p}b`,
    br = `${p}br0`,
    va = `${p}a_veth0`,
    vb = `${p}b_veth0`;
  const alias = `nsnet:${project}`;
  // documentation ranges only: net 2 is the default; 3 and 4 keep parallel projects apart
  const table = {
    2: [],
    3: [
      [/192\.0\.2\.(\d+)\/24/g, "198.51.100.$1/24"],
      [/192\.0\.2\./g, "198.51.100."],
      [/203\.0\.113\.0\/24/g, "203.0.113.0/26"],
      [/198\.51\.100\.0\/24/g, "203.0.113.64/26"],
    ],
    4: [
      [/192\.0\.2\.(\d+)\/24/g, "203.0.113.$1/24"],
      [/192\.0\.2\./g, "203.0.113."],
      [/203\.0\.113\.0\/24/g, "192.0.2.0/26"],
      [/198\.51\.100\.0\/24/g, "192.0.2.64/26"],
    ],
  }[net];
  const n = (s) => table.reduce((t, [re, to]) => t.replace(re, to), s);
  const list = [
    ["host", "ip", "host", `netns add ${A}`, `netns del ${A}`],
    ["host", "ip", "host", `netns add ${Bn}`, `netns del ${Bn}`],
    ["host", "ip", "host", `link add ${br} type bridge`, `link del ${br}`],
    ["host", "ip", "host", `link set ${br} alias ${alias}`, null],
    ["host", "ip", "host", `link add ${va} type veth peer name eth0 netns ${A}`, `link del ${va}`],
    ["host", "ip", "host", `link set ${va} alias ${alias}`, null],
    ["host", "ip", "host", `link set ${va} master ${br}`, `link set ${va} nomaster`],
    ["host", "ip", "host", `link add ${vb} type veth peer name eth0 netns ${Bn}`, `link del ${vb}`],
    ["host", "ip", "host", `link set ${vb} alias ${alias}`, null],
    ["host", "ip", "host", `link set ${vb} master ${br}`, `link set ${vb} nomaster`],
    ["host", "ip", "host", `link set ${br} up`, `link set ${br} down`],
    ["host", "ip", "host", `link set ${va} up`, `link set ${va} down`],
    ["host", "ip", "host", `link set ${vb} up`, `link set ${vb} down`],
    ["host", "ip", "host", `addr add 192.0.2.254/24 dev ${br}`, `addr del 192.0.2.254/24 dev ${br}`],
    ["namespaces", "ip", A, "link set lo up", "link set lo down"],
    ["namespaces", "ip", A, "addr add 192.0.2.1/24 dev eth0", "addr del 192.0.2.1/24 dev eth0"],
    ["namespaces", "ip", A, "link set eth0 up", "link set eth0 down"],
    ["namespaces", "ip", A, "route add 198.51.100.0/24 via 192.0.2.254", "route del 198.51.100.0/24 via 192.0.2.254"],
    ["namespaces", "ip", Bn, "link set lo up", "link set lo down"],
    ["namespaces", "ip", Bn, "addr add 192.0.2.2/24 dev eth0", "addr del 192.0.2.2/24 dev eth0"],
    ["namespaces", "ip", Bn, "link set eth0 up", "link set eth0 down"],
    ["host-routes", "ip", "host", "route add 203.0.113.0/24 via 192.0.2.1", "route del 203.0.113.0/24 via 192.0.2.1"],
    ["host-routes", "ip", "host", `neigh add proxy 192.0.2.77 dev ${br}`, `neigh del proxy 192.0.2.77 dev ${br}`],
    ["sysctl", "sysctl", "host", "net.ipv4.ip_forward=1", null],
    ["sysctl", "sysctl", A, "net.ipv4.conf.all.forwarding=1", null],
  ];
  return list
    .filter(([, , ns, text]) => hostSysctl || !(ns === "host" && text.includes("=")))
    .map(([phase, tool, ns, text, inv], i) => {
      const op = {
        index: i + 1,
        phase,
        tool,
        ns,
        text: n(text),
        summary: n(text),
        effect: effectOf({ tool, ns, text: n(text) }),
        inverse: inv === null ? null : effectOf({ tool, ns, text: n(inv) }),
      };
      if (!op.effect || (inv !== null && !op.inverse)) throw new Error(`midOps: not an nsnet text: ${text} / ${inv}`);
      // an alias goes with its link; a sysctl without inverse is restored from what was found
      if (inv === null && tool === "ip") op.undoneWith = "link";
      return op;
    });
}
