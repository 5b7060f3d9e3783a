import { describe, it, expect } from "vitest";
import { inSandbox, nsnet, scriptFile } from "./cli-sandbox.js";

/**
 * Namespaces are deleted only when provably ours: the one nsnet created (inode and device
 * of /run/netns/NAME as recorded at creation), holding no link of another owner.
 */
const linkNames = (d: { places: Record<string, { links: { name: string; alias?: string }[] }> }, ns: string) =>
  (d.places[ns]?.links ?? []).map((l) => `${l.name}${l.alias ? ` ${l.alias}` : ""}`);

describe("namespace ownership (sandbox)", () => {
  it("leaves a namespace that was deleted and made again under our name, on down and on up", async () => {
    const two = scriptFile("two.nsnet", "ns r4 < veth pair >\nns r5\n");
    const one = scriptFile("one.nsnet", "ns r5\n");
    const p = ["--project", "p"];
    const r = await inSandbox(
      two,
      [
        { run: ["ip", "netns", "del", "r4"] },
        { run: ["ip", "netns", "add", "r4"] },
        { run: ["ip", "-n", "r4", "link", "add", "br9", "type", "bridge"] },
        nsnet("up", one, ...p),
        { dump: "afterUp" },
        nsnet("down", two, ...p),
        { dump: "afterDown" },
      ],
      { project: "p" },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const [, , , up, down] = r.runs;
    expect(up!.status, up!.stderr).toBe(0);
    expect(up!.stderr).toMatch(/left alone.*namespace r4 \(not the one nsnet created/);
    expect(r.dumps.afterUp!.namespaces).toEqual(["r4", "r5"]);
    expect(down!.status, down!.stderr).toBe(0);
    expect(r.dumps.afterDown!.namespaces).toEqual(["r4"]);
    expect(linkNames(r.dumps.afterDown!, "r4")).toEqual(["br9", "lo"]);
    // the host end of our veth went with the old r4; nothing of ours is left
    expect(r.dumps.afterDown!.places.host!.links.map((l) => l.name)).toEqual(["lo"]);
  });

  it("down of project A leaves A's namespace while project B has a link in it, and removes it once B is gone", async () => {
    const a = scriptFile("a.nsnet", "ns common\n");
    const b = scriptFile("b.nsnet", "ns common\nns b < veth peer common >\n");
    const r = await inSandbox(
      a,
      [
        nsnet("up", b, "--project", "b"),
        nsnet("down", a, "--project", "a"),
        { dump: "afterDownA" },
        nsnet("down", b, "--project", "b"),
        nsnet("down", a, "--project", "a"),
        { dump: "afterAll" },
      ],
      { project: "a" },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const [upB, downA] = r.runs;
    expect(upB!.status, upB!.stderr).toBe(0);
    expect(upB!.stderr).toMatch(/NS501/);
    expect(downA!.status, downA!.stderr).toBe(0);
    expect(downA!.stderr).toMatch(/left alone.*namespace common \(holds links that are not this project's: eth0 \(alias "nsnet:b"\)/);
    expect(r.dumps.afterDownA!.namespaces).toEqual(["b", "common"]);
    expect(linkNames(r.dumps.afterDownA!, "common")).toContain("eth0 nsnet:b");
    expect(r.runs[2]!.status, r.runs[2]!.stderr).toBe(0);
    expect(r.runs[3]!.status, r.runs[3]!.stderr).toBe(0);
    expect(r.dumps.afterAll!.namespaces).toEqual([]);
  });
});
