import { describe, it, expect } from "vitest";
import { inSandbox, nsnet, scriptFile, type Dump, type Step } from "./cli-sandbox.js";

/**
 * With its state directory gone, a project is still found by its marks in the kernel:
 * links and namespaces (`alias nsnet:<project>`, on lo for a namespace) and services
 * (NSNET_SERVICE=<project>:… in their environment). `down` removes what carries them;
 * `up` takes them over. Look-alikes — unmarked, or marked by another project, or a marked
 * process in a namespace that is not ours — are never touched.
 */
const SCRIPT = `bridge br5
ns m1 < veth to br5 >
run in m1 sleep 1000
`;
const STATE = "/run/nsnet/p/state.json";

const lookAlikes: Step[] = [
  { run: ["ip", "netns", "add", "m2"] },
  { run: ["ip", "netns", "add", "fake"] },
  { run: ["ip", "-n", "fake", "link", "set", "lo", "alias", "nsnet:other"] },
  { run: ["ip", "link", "add", "br6", "type", "bridge"] },
  { run: ["ip", "link", "set", "br6", "alias", "nsnet:other"] },
  { run: ["ip", "link", "add", "lk0", "type", "bridge"] },
  // a process marked as ours, leading its session, but in a namespace that is not ours
  { spawn: ["ip", "netns", "exec", "m2", "sleep", "3000"], name: "inForeignNs", env: { NSNET_SERVICE: "p:000000000000" } },
  // marked as ours in the host, but not a session leader (not started the way nsnet starts services)
  { spawn: ["sleep", "3001"], name: "notLeader", env: { NSNET_SERVICE: "p:000000000000" }, detached: false },
  // another project's service
  { spawn: ["sleep", "3002"], name: "otherProject", env: { NSNET_SERVICE: "other:000000000000" } },
];

const names = (d: Dump, ns: string) => (d.places[ns]?.links ?? []).map((l) => l.name);

describe("marks: a project without its state (sandbox)", () => {
  it("down with the state directory gone removes the namespace, the bridge and the service, and no look-alike", async () => {
    const file = scriptFile("marks.nsnet", SCRIPT);
    const r = await inSandbox(
      file,
      [
        ...lookAlikes,
        { pidFrom: STATE, at: ["services", 0, "pid"], name: "svc" },
        { run: ["rm", "-rf", "/run/nsnet/p"] },
        nsnet("down", "--project", "p"),
        { alive: "svc" },
        { alive: "inForeignNs" },
        { alive: "notLeader" },
        { alive: "otherProject" },
        { dump: "after" },
      ],
      { project: "p" },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const down = r.runs.find((x) => x.argv.includes("down"))!;
    expect(down.status, down.stderr).toBe(0);
    expect(r.alive).toEqual({ svc: false, inForeignNs: true, notLeader: true, otherProject: true });
    expect(r.dumps.after!.namespaces).toEqual(["fake", "m2"]);
    expect(names(r.dumps.after!, "host").sort()).toEqual(["br6", "lk0", "lo"]);
    expect(down.stderr).toMatch(/left alone.*marked p:000000000000: it runs in a namespace that is not this project's/);
  });

  it("up with the state directory gone takes over what is marked: one service, not two", async () => {
    const file = scriptFile("marks.nsnet", SCRIPT);
    const r = await inSandbox(
      file,
      [
        { pidFrom: STATE, at: ["services", 0, "pid"], name: "svc" },
        { run: ["rm", "-rf", "/run/nsnet/p"] },
        nsnet("up", file, "--project", "p"),
        { pidFrom: STATE, at: ["services", 0, "pid"], name: "svcAfter" },
        { read: STATE, as: "state" },
        nsnet("down", file, "--project", "p"),
        { alive: "svc" },
        { dump: "after" },
      ],
      { project: "p" },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const [, up, down] = r.runs;
    expect(up!.status, up!.stderr).toBe(0);
    expect(up!.stderr).not.toMatch(/NS501/);
    expect(r.pids.svcAfter).toBe(r.pids.svc);
    const state = JSON.parse(r.files.state!) as { services: unknown[]; namespaces: Record<string, unknown> };
    expect(state.services).toHaveLength(1);
    expect(Object.keys(state.namespaces)).toEqual(["m1"]);
    expect(down!.status, down!.stderr).toBe(0);
    expect(r.alive.svc).toBe(false);
    expect(r.dumps.after!.namespaces).toEqual([]);
    expect(names(r.dumps.after!, "host")).toEqual(["lo"]);
  });
});
