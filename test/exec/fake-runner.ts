import type { RunOptions, RunResult, Runner } from "../../src/exec/runner.js";
import { assertSafeArgv } from "../../src/exec/runner.js";

/** A kernel-free Runner: records every call; `answer` decides each result (default: ok, "[]"). */
export class FakeRunner implements Runner {
  calls: { argv: string[]; input?: string }[] = [];
  constructor(private readonly answer: (argv: string[], input?: string) => Partial<RunResult> | undefined = () => undefined) {}
  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    assertSafeArgv(argv);
    this.calls.push({ argv: [...argv], input: opts.input });
    const a = this.answer([...argv], opts.input) ?? {};
    // dumps answer "nothing": one empty JSON array per batched show command
    const empty = argv.includes("-j")
      ? argv.includes("-batch")
        ? (opts.input ?? "")
            .split("\n")
            .filter(Boolean)
            .map(() => "[]")
            .join("\n")
        : "[]"
      : "";
    return { exitCode: a.exitCode ?? 0, stdout: a.stdout ?? empty, stderr: a.stderr ?? "" };
  }

  /** the batch calls that change something (not the pure reads), dump lines left out */
  get batches() {
    return this.calls
      .filter((c) => c.argv.includes("-batch") && opLines(c.input).length > 0)
      .map((c) => ({ argv: c.argv, input: opLines(c.input).join("\n") + "\n", dumps: dumpsOf(c.input) }));
  }
}

const DUMPS = new Set(["netns list", "link show", "addr show", "route show table all", "neigh show proxy"]);
const lines = (input?: string) => (input ?? "").split("\n").filter(Boolean);
const opLines = (input?: string) => lines(input).filter((l) => !DUMPS.has(l));
const dumpsOf = (input?: string) => lines(input).filter((l) => DUMPS.has(l));
