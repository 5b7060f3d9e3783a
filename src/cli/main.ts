#!/usr/bin/env node
import { main } from "./cli.js";
import { exitAfterDrain, ignoreClosedReader } from "./exit.js";

ignoreClosedReader(process.stdout);
ignoreClosedReader(process.stderr);

main(process.argv.slice(2)).then(
  (code) => exitAfterDrain(code),
  (err: unknown) => {
    // A bug in nsnet, not a user mistake: say so plainly, without hiding the cause.
    process.stderr.write(`nsnet: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    return exitAfterDrain(70);
  },
);
