#!/usr/bin/env node
// Builds the installed `nsnet`: src/cli/main.ts and everything it reaches (chevrotain,
// execa, kleur included) as ES modules split into chunks (dist/cli/nsnet.mjs and
// dist/cli/chunk-*.mjs), behind dist/cli/nsnet.cjs, the small file package.json's `bin`
// names. Node starts a few bundled files far faster than hundreds of ES modules
// (chevrotain's lodash-es alone is hundreds), and with the chunks split at every dynamic
// import a command parses only the code it runs: `nsnet --version` loads the entry chunk
// alone, `check` the compiler, never the REPL or graph code. (One single CommonJS file, the
// earlier form, made every start parse all 2.5 MB: --version took 220 ms against 130 ms.)
// The chunks live in dist/cli/, like tsc's dist/cli/main.js, so paths the sources find
// next to themselves through import.meta.url (stdlib/, dist/exec/probe.js) hold. tsc
// still type-checks and builds dist/ (the tests' entry); this file only bundles. Run by
// `npm run build`.
import { build } from "esbuild";
import { chmod, readdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(repo, "dist/cli");

// chunks of an earlier build would otherwise pile up (their names carry a content hash);
// tsc never writes .mjs files
for (const f of await readdir(outdir).catch(() => [])) {
  if (/\.mjs(\.map)?$/.test(f) || f === "nsnet.cjs.map") await rm(join(outdir, f));
}

await build({
  entryPoints: { nsnet: join(repo, "src/cli/main.ts") },
  outdir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // a few CommonJS dependencies call require() for Node built-ins
  banner: { js: "import { createRequire as __nsnetRequire } from 'node:module'; const require = __nsnetRequire(import.meta.url);" },
  // smaller to parse at every start; identifiers are kept, so stack traces stay readable
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: "linked",
  legalComments: "linked",
  logLevel: "warning",
});

// The installed executable: names itself as the entry (a udev rule and `nsnet sandbox`
// re-run this file), then loads the bundle. Node reads every certificate named by
// NODE_EXTRA_CA_CERTS before any code runs (40 ms a start on the machine nsnet is measured
// on, where it is set); nsnet opens no TLS connection, so the shebang starts node without it
// (GNU env -S expands the saved copy) and the stub hands it back to what nsnet runs.
const stub = `#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS NSNET_NODE_EXTRA_CA_CERTS=\${NODE_EXTRA_CA_CERTS} node
// nsnet, the installed executable (built by scripts/bundle.mjs): the code is in nsnet.mjs
// and its chunks, next to this file. The shebang keeps node from loading
// NODE_EXTRA_CA_CERTS at start-up (nsnet makes no TLS connections); it is restored here for
// the processes nsnet starts.
"use strict";
const savedCa = process.env.NSNET_NODE_EXTRA_CA_CERTS;
delete process.env.NSNET_NODE_EXTRA_CA_CERTS;
if (savedCa) process.env.NODE_EXTRA_CA_CERTS = savedCa;
globalThis.__nsnetEntry = __filename;
import("./nsnet.mjs");
`;
await writeFile(join(outdir, "nsnet.cjs"), stub);
await chmod(join(outdir, "nsnet.cjs"), 0o755);
