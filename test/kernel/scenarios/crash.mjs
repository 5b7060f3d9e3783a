// kill -9 of an applying process in the middle of its transaction, then recovery (and
// `down`) must leave nothing behind; parallel projects; lock contention.
import { args, execute, readLive, recover, downProject, runner, sandbox, out, sameWorld, midOps, StateStore } from "./lib.mjs";
import { readFileSync, existsSync } from "node:fs";
import { spawn } from "node:child_process";

const stateDir = "/run/nsnet";

if (args.child) {
  // the victim: a runner that stalls once the host phase is done
  const slow = {
    async run(argv, o) {
      if (argv.includes("-n") && argv.includes("-batch")) await new Promise((r) => setTimeout(r, 60_000));
      return runner.run(argv, o);
    },
  };
  await execute(midOps("crash"), slow, { project: "crash", stateDir });
  process.exit(0);
}

await sandbox();
const res = {};
const empty = await readLive(runner);

// --- crash and recover
const child = spawn(process.execPath, [process.argv[1], JSON.stringify({ child: true })], { stdio: "ignore" });
const journal = `${stateDir}/crash/journal.json`;
let seen = null;
for (let i = 0; i < 200 && !seen; i++) {
  await new Promise((r) => setTimeout(r, 50));
  if (existsSync(journal)) {
    const j = JSON.parse(readFileSync(journal, "utf8"));
    if ((j.done ?? []).length >= 14) seen = j;
  }
}
child.kill("SIGKILL");
await new Promise((r) => child.once("exit", r));
res.crashedAfter = seen ? seen.done.length : null;
res.midway = (await readLive(runner)).namespaces;
const rec = await recover(runner, { project: "crash", stateDir });
res.recover = { undone: rec?.undone, skipped: rec?.skipped, left: rec?.left.length };
res.afterRecover = sameWorld(empty, await readLive(runner));
res.journalLeft = existsSync(journal);
res.recoverAgain = await recover(runner, { project: "crash", stateDir });

// --- crash then down directly (down recovers first)
const child2 = spawn(process.execPath, [process.argv[1], JSON.stringify({ child: true })], { stdio: "ignore" });
for (let i = 0; i < 200; i++) {
  await new Promise((r) => setTimeout(r, 50));
  if (existsSync(journal) && (JSON.parse(readFileSync(journal, "utf8")).done ?? []).length >= 14) break;
}
child2.kill("SIGKILL");
await new Promise((r) => child2.once("exit", r));
const down = await downProject(runner, { project: "crash", stateDir });
res.down = { left: down.left.length };
res.afterDown = sameWorld(empty, await readLive(runner));

// --- two projects in parallel, distinct names
const [p1, p2] = await Promise.all([
  execute(midOps("p1", "x", { net: 3, hostSysctl: false }), runner, { project: "p1", stateDir }),
  execute(midOps("p2", "y", { net: 4, hostSysctl: false }), runner, { project: "p2", stateDir }),
]);
res.parallel = [p1.status, p2.status, (await readLive(runner)).namespaces];
const s1 = await new StateStore("p1", stateDir).readState();
res.parallelState = [s1.applied.length, (await new StateStore("p2", stateDir).readState()).applied.length];

// --- lock contention: hold p1's lock, a second run must fail clearly
const release = await new StateStore("p1", stateDir).lock();
try {
  await execute(midOps("p1", "z"), runner, { project: "p1", stateDir, lockWaitMs: 200 });
  res.contention = "no error";
} catch (e) {
  res.contention = e.message;
}
await release();
await downProject(runner, { project: "p1", stateDir });
await downProject(runner, { project: "p2", stateDir });
res.afterAll = sameWorld(empty, await readLive(runner));
out(res);
