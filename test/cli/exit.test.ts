import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// guardStandardStreams (src/cli/exit.ts): node creates process.stdout and process.stderr on
// first use, and for a pipe that loads its net module — so nsnet leaves them alone until
// something writes, then guards what it created against a closed reader. Run in a child with
// both streams on pipes, as udev runs a hook. Needs the build (dist/).
const EXIT = fileURLToPath(new URL("../../dist/cli/exit.js", import.meta.url));

const child = (body: string) =>
  spawnSync(
    process.execPath,
    ["--input-type=module", "-e", `const { guardStandardStreams, exitAfterDrain } = await import(${JSON.stringify(EXIT)}); guardStandardStreams(); ${body}`],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );

describe("the standard streams", () => {
  it("are not created by a run that prints nothing (node's net module stays unloaded)", () => {
    const r = child(`const net = process.moduleLoadList.includes("NativeModule net"); await exitAfterDrain(net ? 1 : 0);`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
  });

  it("once used, are guarded against a reader that went away, and drained at exit", () => {
    const r = child(`process.stdout.write("x".repeat(200000)); await exitAfterDrain(process.stdout.listenerCount("error") === 1 ? 0 : 1);`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.length).toBe(200000);
  });
});
