#!/usr/bin/env node
import { main } from "./cli.js";
import { exitAfterDrain, ignoreClosedReader } from "./exit.js";

ignoreClosedReader(process.stdout);
ignoreClosedReader(process.stderr);

// A container runtime runs the plugin with CNI_COMMAND set (through a link named after the
// netconf's "type"): that path loads only the plugin, never the rest of the CLI.
const run = process.env.CNI_COMMAND ? import("../cni/plugin.js").then((m) => m.runPlugin(m.processIo())) : main(process.argv.slice(2));

run.then(
  (code) => exitAfterDrain(code),
  (err: unknown) => {
    // A bug in nsnet, not a user mistake: say so plainly, without hiding the cause.
    process.stderr.write(`nsnet: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    return exitAfterDrain(70);
  },
);
