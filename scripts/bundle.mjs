#!/usr/bin/env node
// Builds the installed `nsnet`: src/cli/main.ts and everything it reaches (chevrotain,
// execa, kleur included) in ONE file, dist/cli/nsnet.cjs. Node starts a single CommonJS
// file far faster than hundreds of ES modules (chevrotain's lodash-es alone is hundreds),
// and in CommonJS every module — with the Node built-ins it imports (node:repl for the
// REPL, …) — is initialised only when a command first imports it, so `nsnet --version` and
// `nsnet hook` pay for nothing they do not use. tsc still type-checks and builds
// dist/cli/main.js (the tests' entry); this file only bundles. Run by `npm run build`.
import { build } from "esbuild";
import { chmod } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(repo, "dist/cli/nsnet.cjs");

await build({
  entryPoints: [join(repo, "src/cli/main.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // The sources are ES modules that find files next to themselves (stdlib/, the probe)
  // through import.meta.url; the bundle lives in dist/cli/ like main.js, so the same
  // relative paths hold. CommonJS has no import.meta: give it the bundle's own URL.
  define: { "import.meta.url": "importMetaUrl" },
  inject: [join(repo, "scripts/bundle/import-meta-url.js")],
  // smaller to parse at every start; identifiers are kept, so stack traces stay readable
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: "linked",
  legalComments: "linked",
  logLevel: "warning",
});
await chmod(outfile, 0o755);
