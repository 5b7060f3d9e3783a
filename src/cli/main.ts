#!/usr/bin/env node
/**
 * The `nsnet` executable. scripts/bundle.mjs bundles this file and everything it reaches into
 * dist/cli/nsnet-bundle.cjs, which dist/cli/nsnet.cjs runs from a V8 code cache
 * (docs/startup.md); tsc also builds it as dist/cli/main.js. Keep it small and keep its
 * imports dynamic: a udev hook or a CNI plugin starts a fresh process per event, so start-up
 * is most of its cost, and `nsnet --version` initialises nothing else.
 */
import { setEntryPath } from "./entry-path.js";
import { exitAfterDrain, guardStandardStreams } from "./exit.js";

// the installed executable (dist/cli/nsnet.cjs) names itself; unbundled, this file is the entry
setEntryPath((globalThis as { __nsnetEntry?: string }).__nsnetEntry ?? import.meta.url);
guardStandardStreams();

async function entry(argv: string[]): Promise<number> {
  // A container runtime runs the plugin with CNI_COMMAND set (through a link named after the
  // netconf's "type"): that path loads only the plugin, never the rest of the CLI.
  if (process.env.CNI_COMMAND) {
    const plugin = await import("../cni/plugin.js");
    return plugin.runPlugin(plugin.processIo());
  }
  const { main } = await import("./cli.js");
  return main(argv);
}

entry(process.argv.slice(2)).then(
  (code) => exitAfterDrain(code),
  (err: unknown) => {
    // A bug in nsnet, not a user mistake: say so plainly, without hiding the cause.
    process.stderr.write(`nsnet: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return exitAfterDrain(70);
  },
);
