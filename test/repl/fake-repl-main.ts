import { ReplCore } from "../../src/repl/core.js";
import { runInteractive } from "../../src/repl/tty.js";
import { runPiped } from "../../src/repl/pipe.js";
import { FakeEngine } from "./fake-engine.js";

/**
 * The REPL's fronts over the fake engine (no kernel): test/repl/pty.test.ts drives this
 * through a real pseudo-terminal and through a pipe. What the fake ran is printed last.
 */
const engine = new FakeEngine();
const write = (t: string) => void process.stdout.write(t);
const core = new ReplCore(engine, { out: write, err: write, color: false });
let failures = 0;
if (process.stdin.isTTY) await runInteractive(core, (t) => engine.isIncomplete(t));
else failures = await runPiped(core, (t) => engine.isIncomplete(t));
process.stdout.write(`\nFAKE ${JSON.stringify({ applied: [...engine.applied], exec: engine.execCalls, accepted: core.accepted })}\n`);
process.exit(failures ? 1 : 0);
