import { ReplCore } from "../../src/repl/core.js";
import { runInteractive } from "../../src/repl/tty.js";
import { runPiped } from "../../src/repl/pipe.js";
import { FakeKernel } from "./fake-kernel.js";

/**
 * The REPL's fronts over nsnet's compiler and a toy kernel: test/repl/pty.test.ts drives
 * this through a real pseudo-terminal and through a pipe. What the kernel ran is printed last.
 */
const engine = new FakeKernel();
const write = (t: string) => void process.stdout.write(t);
const core = new ReplCore(engine, { out: write, err: write, color: false });
let status = 0;
if (process.stdin.isTTY) await runInteractive(core, (t) => engine.isIncomplete(t));
else status = await runPiped(core, (t) => engine.isIncomplete(t));
process.stdout.write(`\nFAKE ${JSON.stringify({ namespaces: engine.live_.namespaces, exec: engine.execCalls, accepted: core.accepted })}\n`);
process.exit(status);
