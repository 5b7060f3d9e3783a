import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { canSandbox, cleanKernelBuild, runScenario } from "./sandbox.js";

const ok = await canSandbox();
afterAll(cleanKernelBuild);

interface HostSysctlResult {
  good: { status: string; changed: number };
  commands: string[];
  forwardBefore: string;
  applied: { proxyArp: string; forward: string };
  originals: Record<string, Record<string, string>>;
  bad: { status: string; failedOp: number; message: string };
  sysctlSays: string;
  diff: string[];
  allProxyArp: string;
}

describe.skipIf(!ok)("the host's sysctls, written without a sysctl process (sandbox)", () => {
  it("take effect with their originals recorded; a refused key fails its op in sysctl's words and rolls back", async () => {
    // /proc/sys/net is the writer's namespace: the sandbox's keys change, this machine's do not
    const machine = () => ["ipv4/ip_forward", "ipv4/conf/all/proxy_arp"].map((k) => readFileSync(`/proc/sys/net/${k}`, "utf8"));
    const machineBefore = machine();
    const { result: r } = await runScenario<HostSysctlResult>("host-sysctl");
    expect(machine()).toEqual(machineBefore);
    expect(r.good).toEqual({ status: "ok", changed: 3 });
    // read, the bridge with its read-back, then the two writes: no sysctl process
    expect(r.commands.filter((c) => /^\+ (\S+\/)?sysctl /.test(c))).toEqual([]);
    expect(r.commands.filter((c) => c.startsWith("+ echo "))).toEqual([
      "+ echo 1 > /proc/sys/net/ipv4/conf/br7/proxy_arp",
      "+ echo 1 > /proc/sys/net/ipv4/ip_forward",
    ]);
    expect(r.applied).toEqual({ proxyArp: "1", forward: "1" });
    expect(r.originals.host).toEqual({ "net.ipv4.conf.br7.proxy_arp": "0", "net.ipv4.ip_forward": r.forwardBefore });
    expect(r.bad.status).toBe("rolled-back");
    expect(r.bad.failedOp).toBe(3);
    expect(r.bad.message).toBe("sysctl: cannot stat /proc/sys/net/ipv4/conf/nosuch/proxy_arp: No such file or directory");
    expect(r.bad.message).toBe(r.sysctlSays);
    // br8 deleted, all.proxy_arp back to what it was
    expect(r.diff).toEqual([]);
    expect(r.allProxyArp).toBe("0");
  });
});
