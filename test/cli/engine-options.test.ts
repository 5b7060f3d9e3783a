import { describe, it, expect } from "vitest";
import { engineOptions } from "../../src/cli/engine-options.js";
import { allocationStore } from "../../src/engine/up.js";
import type { FsAllocationStore } from "../../src/ipam/store-fs.js";
import { ProjectAllocations } from "../../src/ipam/shared-store.js";
import { stateRoots } from "../../src/engine/paths.js";
import { SANDBOX_STATE_DIR } from "../../src/cli/commands/sandbox.js";

const g = { json: false, quiet: true, verbose: false };

describe("where the CLI puts a project's files", () => {
  it("without --state-dir: allocations in /var/lib/nsnet (they used to land in /run/nsnet/allocations, tmpfs)", () => {
    const opts = engineOptions({ ...g, project: "p" }, "x.nsnet");
    expect((allocationStore(opts) as FsAllocationStore).dir).toBe("/var/lib/nsnet/p");
    expect(stateRoots(opts.stateDir).state).toBe("/run/nsnet");
  });

  it("with --state-dir DIR: both under DIR", () => {
    const opts = engineOptions({ ...g, project: "p", stateDir: "/tmp/s" }, "x.nsnet");
    expect((allocationStore(opts) as FsAllocationStore).dir).toBe("/tmp/s/allocations/p");
    expect(stateRoots(opts.stateDir).state).toBe("/tmp/s");
  });

  it("the sandbox: both on its own /run", () => {
    expect(stateRoots(SANDBOX_STATE_DIR)).toEqual({ state: "/run/nsnet", allocations: "/run/nsnet/allocations" });
  });

  it("with --pool-file FILE: the project's view of FILE, shared with other projects", () => {
    const opts = engineOptions({ ...g, project: "p", poolFile: "pools/lab.json" }, "x.nsnet");
    const store = allocationStore(opts);
    expect(store).toBeInstanceOf(ProjectAllocations);
    expect((store as ProjectAllocations).project).toBe("p");
    expect(opts.poolFile).toBe(`${process.cwd()}/pools/lab.json`);
  });
});
