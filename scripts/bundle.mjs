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
// built nsnet (below), so it holds what a check or a hook compiles; a cache V8 refuses
// (another node) costs only the parse it would have saved.
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
// measured on, where it is set); nsnet opens no TLS connection, so the shebang starts node
// without it (GNU env -S expands the saved copy) and the stub hands it back to what nsnet
// runs. NSNET_WRITE_CODE_CACHE=1 (this build only) writes the cache when the run ends.
const stub = `#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS NSNET_NODE_EXTRA_CA_CERTS=\${NODE_EXTRA_CA_CERTS} node
// nsnet, the installed executable (built by scripts/bundle.mjs): the code is nsnet-bundle.cjs
// next to this file, run from the V8 code cache beside it (docs/startup.md). The shebang
// keeps node from loading NODE_EXTRA_CA_CERTS at start-up (nsnet makes no TLS
// connections); it is restored here for the processes nsnet starts.
"use strict";
const savedCa = process.env.NSNET_NODE_EXTRA_CA_CERTS;
delete process.env.NSNET_NODE_EXTRA_CA_CERTS;
if (savedCa) process.env.NODE_EXTRA_CA_CERTS = savedCa;
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
if (process.env.NSNET_WRITE_CODE_CACHE === "1") process.once("exit", () => writeFileSync(cacheFile, script.createCachedData()));
const module_ = { exports: {} };
script.runInThisContext().call(module_.exports, module_.exports, require, module_, code, __dirname);
`;
await writeFile(STUB, stub);
await chmod(STUB, 0o755);

// The code cache: what V8 compiled while the built nsnet checked the examples, then (where
// this build may make a private network namespace: root, unshare) handled a udev event for
// examples/udev-lxc.nsnet inside one — the host side of lxc2 added and removed, as in
// bench-startup.mjs — so a hook's plan and transaction are compiled ahead too. Each run
// starts from the cache the one before wrote, so the cache holds what all of them ran.
const examples = (await readdir(join(repo, "examples"))).filter((f) => f.endsWith(".nsnet")).map((f) => join(repo, "examples", f));
const trained = spawnSync(process.execPath, [STUB, "check", "--quiet", ...examples], {
  env: { ...process.env, NSNET_WRITE_CODE_CACHE: "1" },
  encoding: "utf8",
});
if (trained.error || (trained.status !== 0 && trained.status !== 1)) {
  throw new Error(`making the code cache: nsnet check exited ${trained.status}\n${trained.stderr}`);
}
if (!(await stat(CACHE).catch(() => null))?.size) throw new Error("making the code cache: nsnet wrote none");

// Inside `unshare --mount --net`: a tmpfs on /run, the LAN as a veth to a `lan` namespace,
// lxc2's veth made as LXC would; nothing of this machine's own network is touched.
const HOOK_TRAINING = `set -e
mount -t tmpfs -o mode=755 tmpfs /run; mkdir -p /run/netns
ip link set lo up
ip netns add lan; ip link add eth0 type veth peer name up0 netns lan
ip -n lan addr add 198.51.100.1/24 dev up0; ip -n lan link set up0 up
ip link set eth0 up; ip addr add 198.51.100.2/24 dev eth0; ip route add default via 198.51.100.1
ip netns add lxc2; ip link add lxc2_veth0 type veth peer name eth0 netns lxc2
for a in 203.0.113.2/28 198.51.100.4/24 198.51.100.5/24; do ip -n lxc2 addr add $a dev eth0; done
ip -n lxc2 link set eth0 up
export INTERFACE=lxc2_veth0 SUBSYSTEM=net DEVPATH=/devices/virtual/net/lxc2_veth0 IFINDEX=$(ip -o link show dev lxc2_veth0 | cut -d: -f1)
ACTION=add "$NODE" "$STUB" hook "$SCRIPT" --quiet --state-dir /run/nsnet-training
ip link del lxc2_veth0
ACTION=remove "$NODE" "$STUB" hook "$SCRIPT" --quiet --state-dir /run/nsnet-training`;
const hook = spawnSync("unshare", ["--mount", "--net", "--propagation", "private", "--", "bash", "-c", HOOK_TRAINING], {
  env: { ...process.env, NSNET_WRITE_CODE_CACHE: "1", NODE: process.execPath, STUB, SCRIPT: join(repo, "examples/udev-lxc.nsnet") },
  encoding: "utf8",
});
if (hook.status !== 0) {
  // not root, no unshare: the cache then holds the check's functions only (a hook compiles the rest)
  process.stderr.write(`bundle: code cache without a hook's functions (${(hook.stderr || String(hook.error)).trim().split("\n").pop()})\n`);
}
