#!/usr/bin/env node
// Builds the installed `nsnet` (docs/startup.md): src/cli/main.ts and everything it reaches
// (chevrotain and kleur included) as ONE CommonJS file, dist/cli/nsnet-bundle.cjs, with
// a V8 code cache beside it (nsnet-bundle.cache), behind dist/cli/nsnet.cjs, the small file
// package.json's `bin` names. Graphviz (viz.js, 1.5 MB, `graph --format svg` only) and execa
// (interactive commands only) are files of their own, dist/cli/viz.cjs and execa.cjs,
// required when needed.
//
// Why one file with a code cache: Node pays about half a millisecond for each ES module it
// loads and builds its ES module loader first, and V8 parses every byte of what it loads;
// with the bytecode of the functions a run needs cached, a start skips the parsing and most
// of the compiling. The earlier form, ES module chunks split at every dynamic import, made
// `check` load 19 files (400 KB) and compile each. The cache is made here, by running the
// built nsnet's check (below), so it holds what a check compiles; a cache V8 refuses
// (another node) costs only the parse it would have saved, and `nsnet --version --verbose`
// says so.
//
// The bundle lives in dist/cli/, like tsc's dist/cli/main.js, so paths the sources find
// next to themselves through import.meta.url (stdlib/, dist/exec/probe.js) hold. tsc still
// type-checks and builds dist/ (the tests' entry); this file only bundles. Run by
// `npm run build`.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { chmod, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(repo, "dist/cli");
const BUNDLE = join(outdir, "nsnet-bundle.cjs");
const CACHE = join(outdir, "nsnet-bundle.cache");
const STUB = join(outdir, "nsnet.cjs");

// what earlier builds left (the chunked form's .mjs files among them); tsc writes none of these
for (const f of await readdir(outdir).catch(() => [])) {
  if (/\.mjs(\.map|\.LEGAL\.txt)?$|^nsnet-bundle\.|^nsnet\.cjs|^viz\.cjs|^execa\.cjs/.test(f)) await rm(join(outdir, f));
}

// Packages a few commands need, each bundled into a CommonJS file of its own next to the
// bundle, which requires it (`./NAME.cjs`) the first time it is used: viz.js (1.5 MB,
// `graph --format svg` only) and execa (200 KB with its dependencies, interactive commands).
const APART = { "@viz-js/viz": "viz", execa: "execa" };
for (const [pkg, name] of Object.entries(APART)) {
  await build({
    stdin: { contents: `export * from ${JSON.stringify(pkg)};`, resolveDir: repo },
    outfile: join(outdir, `${name}.cjs`),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    minifyWhitespace: true,
    legalComments: "linked",
    logLevel: "warning",
  });
}

const apart = {
  name: "apart",
  setup(b) {
    for (const [pkg, name] of Object.entries(APART)) {
      const filter = new RegExp(`^${pkg.replace(/[/.]/g, "\\$&")}$`);
      b.onResolve({ filter }, () => ({ path: `./${name}.cjs`, external: true }));
    }
  },
};

await build({
  entryPoints: [join(repo, "src/cli/main.ts")],
  outfile: BUNDLE,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // import.meta.url of the sources is the bundle's own URL (it sits where tsc's main.js does)
  define: { "import.meta.url": "__nsnetUrl" },
  banner: { js: 'const __nsnetUrl = require("node:url").pathToFileURL(__filename).href;' },
  plugins: [apart],
  // chevrotain's own prebuilt file (the same release, lodash inside, its identifiers
  // minified): 0.14 MB where its modules bundle to 0.27 MB — less to read and deserialise at
  // every start; nsnet's own names stay readable in stack traces
  alias: { chevrotain: join(repo, "node_modules/chevrotain/lib/chevrotain.min.mjs") },
  // import() of viz.js and execa becomes a require(): the bundle runs as a vm.Script, which has no module
  // loader of its own for import()
  supported: { "dynamic-import": false },
  // ASCII only, so the stub reads it as latin1: no UTF-8 decoding of a megabyte at each start
  charset: "ascii",
  // smaller to parse; identifiers are kept, so stack traces stay readable
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: "linked",
  legalComments: "linked",
  logLevel: "warning",
});
// the entry's shebang is the stub's business
const code = (await readFile(BUNDLE, "latin1")).replace(/^#![^\n]*\n/, "");
if (/[^\x00-\x7f]/.test(code)) throw new Error("nsnet-bundle.cjs is not ASCII");
await writeFile(BUNDLE, code, "latin1");

// The installed executable: names itself as the entry (a udev rule and `nsnet sandbox`
// re-run this file), then runs the bundle from its code cache. Node reads every certificate
// named by NODE_EXTRA_CA_CERTS before any code runs (40 ms a start on the machine nsnet is
// measured on, where it is set); nsnet opens no TLS connection, so the file starts as a
// POSIX sh script that moves the variable aside and execs node on this same file, and the
// stub hands it back to what nsnet runs. The second line is both sh (`:` with an argument,
// then the commands) and JavaScript (a string, then a comment), so there is one file: no
// GNU `env -S` (BusyBox's env has no -S), no path to resolve through npm's bin symlink
// (node resolves "$0" itself), and `#!/usr/bin/env nsnet` scripts still find an executable.
// Run as `node nsnet.cjs` (the sandbox, the tests) the sh line is inert. It records whether
// V8 took the code cache (`nsnet --version --verbose` says). NSNET_WRITE_CODE_CACHE=1 (this
// build only) writes the cache when the run ends.
const stub = `#!/bin/sh
":" //; unset NSNET_NODE_EXTRA_CA_CERTS; if [ "\${NODE_EXTRA_CA_CERTS+set}" ]; then NSNET_NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS; export NSNET_NODE_EXTRA_CA_CERTS; unset NODE_EXTRA_CA_CERTS; fi; exec node -- "$0" "$@"
// nsnet, the installed executable (built by scripts/bundle.mjs): the code is nsnet-bundle.cjs
// next to this file, run from the V8 code cache beside it (docs/startup.md). The line above
// is sh: it keeps node from loading NODE_EXTRA_CA_CERTS at start-up (nsnet makes no TLS
// connections); it is restored here for the processes nsnet starts.
"use strict";
const savedCa = process.env.NSNET_NODE_EXTRA_CA_CERTS;
delete process.env.NSNET_NODE_EXTRA_CA_CERTS;
if (savedCa !== undefined) process.env.NODE_EXTRA_CA_CERTS = savedCa;
globalThis.__nsnetEntry = __filename;
const { readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { Script } = require("node:vm");
const code = join(__dirname, "nsnet-bundle.cjs");
const cacheFile = join(__dirname, "nsnet-bundle.cache");
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {}
const script = new Script(require("node:module").wrap(readFileSync(code, "latin1")), { filename: code, cachedData });
// what \`nsnet --version --verbose\` reports: a cache V8 refuses costs every start the parse
globalThis.__nsnetCodeCache = { file: cacheFile, bytes: cachedData ? cachedData.length : 0, rejected: cachedData ? script.cachedDataRejected === true : undefined };
if (process.env.NSNET_WRITE_CODE_CACHE === "1") process.once("exit", () => writeFileSync(cacheFile, script.createCachedData()));
const module_ = { exports: {} };
script.runInThisContext().call(module_.exports, module_.exports, require, module_, code, __dirname);
`;
await writeFile(STUB, stub);
await chmod(STUB, 0o755);

// The code cache: what V8 compiled while the built nsnet checked the examples. The build
// does no kernel work and needs no root: a hook's plan and transaction are not in the cache
// (training them needs a network namespace to handle an event in), so a hook compiles them
// at each event (~10 ms, docs/startup.md).
const examples = (await readdir(join(repo, "examples"))).filter((f) => f.endsWith(".nsnet")).map((f) => join(repo, "examples", f));
const trained = spawnSync(process.execPath, [STUB, "check", "--quiet", ...examples], {
  env: { ...process.env, NSNET_WRITE_CODE_CACHE: "1" },
  encoding: "utf8",
});
if (trained.error || (trained.status !== 0 && trained.status !== 1)) {
  throw new Error(`making the code cache: nsnet check exited ${trained.status}\n${trained.stderr}`);
}
if (!(await stat(CACHE).catch(() => null))?.size) throw new Error("making the code cache: nsnet wrote none");
