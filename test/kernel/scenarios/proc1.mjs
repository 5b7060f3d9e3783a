// Runs under test/kernel/sandbox.ts runScenario (pid-namespace.test.ts): what `/proc/1` is
// from inside a scenario, and whether this process has a pid namespace of its own. Touches
// nothing; prints one JSON line.
import { readFileSync, readlinkSync } from "node:fs";

const link = (p) => {
  try {
    return readlinkSync(p);
  } catch {
    return null;
  }
};
console.log(
  JSON.stringify({
    selfPidNs: link("/proc/self/ns/pid"),
    initPidNs: link("/proc/1/ns/pid"),
    outerNet: process.env.NSNET_SANDBOX_OUTER_NETNS ?? null,
    initNet: link("/proc/1/ns/net"),
    selfNet: link("/proc/self/ns/net"),
    initCmdline: readFileSync("/proc/1/cmdline", "utf8").split("\0").filter(Boolean),
    pid: process.pid,
  }),
);
