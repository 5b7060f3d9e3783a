import type { Op, OpStep } from "../plan/op.js";
import type { Runner } from "./runner.js";
import { effectAsShell, ipBatchArgv, nftArgv, sysctlWriteArgv } from "./commands.js";
import { parseSysctlOutput, sysctlDisplayKey } from "./ip-json.js";
import { HOST } from "../model/topology.js";
import { describeService, stopService } from "./services.js";
import { awaitVanished, planTeardown } from "./teardown.js";
import type { UndoStep } from "./undo-step.js";

/**
 * Running inverses. Undo never stops at a failure: it records it and goes on with the
 * rest, so as much as possible is removed and what is left is listed with the command
 * that removes it by hand. An inverse that fails because its object is already gone has
 * reached its goal and is not a failure.
 */
export { undoStep, type UndoStep } from "./undo-step.js";

export interface UndoFailure {
  op: Op;
  step: OpStep;
  error: string;
  /** what to run by hand */
  command: string;
}

const GONE =
  /Cannot find device|No such file or directory|No such process|Address not found|Cannot assign requested address|does not exist|Object not found|not found/i;

export function isGoneError(message: string): boolean {
  return GONE.test(message);
}

export function failedLine(stderr: string): number | null {
  const m = /Command failed -:(\d+)/.exec(stderr);
  return m ? Number(m[1]) : null;
}

/** The kernel's words for a failed batch line: stderr without ip's "Command failed" line. */
export function kernelMessage(stderr: string): string {
  return stderr
    .split("\n")
    .filter((l) => l.trim() !== "" && !/^Command failed -:\d+/.test(l))
    .join("; ")
    .trim();
}

/** Runs steps in the given order, batching consecutive ip/sysctl steps of one place; what
 *  the kernel removes anyway with a namespace is left to it (teardown.ts). A service that is
 *  not provably ours is not signalled: `skipped` gets why. */
export async function runUndo(runner: Runner, steps: readonly UndoStep[], skipped: string[] = []): Promise<UndoFailure[]> {
  const t = planTeardown(steps);
  const failures = await runSteps(runner, t.steps, skipped);
  const stayed = await awaitVanished(runner, t.vanishing);
  return [...failures, ...(await runSteps(runner, stayed, skipped))];
}

async function runSteps(runner: Runner, steps: readonly UndoStep[], skipped: string[]): Promise<UndoFailure[]> {
  const failures: UndoFailure[] = [];
  const fail = (s: UndoStep, error: string) =>
    failures.push({ op: s.op, step: s.step, error, command: s.service !== undefined ? `kill -TERM -- -${s.service.pid}` : effectAsShell(s.effect) });
  let i = 0;
  while (i < steps.length) {
    const first = steps[i]!;
    let j = i + 1;
    if (first.step.tool === "ip" || first.step.tool === "sysctl") {
      while (j < steps.length && steps[j]!.step.tool === first.step.tool && steps[j]!.step.ns === first.step.ns) j++;
    }
    const group = steps.slice(i, j);
    i = j;
    switch (first.step.tool) {
      case "ip":
        await undoIp(runner, group, fail);
        break;
      case "sysctl": {
        if (first.step.ns === HOST && runner.writeHostSysctl) {
          // no process: each key written on its own, every one tried (as sysctl -w does)
          for (const s of group) {
            if (s.effect.k !== "sysctl") continue;
            await runner.writeHostSysctl(s.effect.key, s.effect.value).catch((e: Error) => fail(s, e.message));
          }
          break;
        }
        const r = await runner.run(
          sysctlWriteArgv(
            first.step.ns,
            group.map((s) => s.step.text),
          ),
        );
        if (r.exitCode === 0) break;
        const printed = parseSysctlOutput(r.stdout);
        for (const s of group) {
          if (s.effect.k !== "sysctl" || printed[sysctlDisplayKey(s.effect.key)] === undefined) fail(s, r.stderr.trim() || "sysctl failed");
        }
        break;
      }
      case "nft": {
        const r = await runner.run(nftArgv(first.step.ns, false), { input: first.step.text });
        if (r.exitCode !== 0 && !isGoneError(r.stderr)) fail(first, r.stderr.trim() || "nft failed");
        break;
      }
      case "service":
        if (first.service !== undefined) {
          const r = await stopService(first.service);
          if (r.kind === "refused") skipped.push(`${describeService(first.service)}: ${r.reason}`);
        }
        break;
    }
  }
  return failures;
}

async function undoIp(runner: Runner, group: readonly UndoStep[], fail: (s: UndoStep, e: string) => void): Promise<void> {
  let from = 0;
  // each round either finishes or moves past one failed line: at most group.length rounds
  for (let round = 0; round <= group.length && from < group.length; round++) {
    const rest = group.slice(from);
    const r = await runner.run(ipBatchArgv(rest[0]!.step.ns), { input: rest.map((s) => s.step.text).join("\n") + "\n" });
    if (r.exitCode === 0) return;
    const line = failedLine(r.stderr);
    if (line === null || line < 1 || line > rest.length) {
      // no line to blame: fall back to one spawn per step
      for (const s of rest) {
        const one = await runner.run(ipBatchArgv(s.step.ns), { input: s.step.text + "\n" });
        if (one.exitCode !== 0 && !isGoneError(one.stderr)) fail(s, kernelMessage(one.stderr) || "ip failed");
      }
      return;
    }
    const msg = kernelMessage(r.stderr);
    if (!isGoneError(msg)) fail(rest[line - 1]!, msg || "ip failed");
    from += line;
  }
}
