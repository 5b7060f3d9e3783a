// Runs a command with its stdout and stderr on real pipes (FIFOs: the kernel's pipe buffer,
// unlike the socket pairs Node gives its children), read slowly, and copies what came
// through to our own stdout and stderr. Exit status: the command's.
// Usage: node through-pipe.mjs ARGV0 ARGS…
import { spawn, spawnSync } from "node:child_process";
import { closeSync, constants, createReadStream, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [cmd, ...args] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), "nsnet-pipe-"));

function pipeTo(name, sink) {
  const fifo = join(dir, name);
  if (spawnSync("mkfifo", [fifo]).status !== 0) throw new Error("mkfifo failed");
  // O_RDWR: opening a FIFO this way never blocks waiting for the other end
  const writer = openSync(fifo, constants.O_RDWR);
  const reader = createReadStream(fifo);
  // a slow reader: a pipe that fills up is what exposed the bug
  reader.on("data", (chunk) => {
    reader.pause();
    sink.write(chunk, () => setTimeout(() => reader.resume(), 1));
  });
  return { writer, closed: new Promise((resolve) => reader.on("close", resolve)) };
}

const out = pipeTo("out", process.stdout);
const err = pipeTo("err", process.stderr);
const child = spawn(cmd, args, { stdio: ["inherit", out.writer, err.writer] });
closeSync(out.writer);
closeSync(err.writer);
const code = await new Promise((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
await Promise.all([out.closed, err.closed]);
rmSync(dir, { recursive: true, force: true });
process.exitCode = code;
