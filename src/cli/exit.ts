/**
 * Leaving the process without losing output. `process.exit` does not wait for a pipe:
 * Node writes to a pipe asynchronously, so whatever the pipe had not taken yet (beyond
 * its 64 KiB buffer) was dropped, and `nsnet plan --format json FILE | wc -c` said 65536.
 * Every front returns its exit code to main.ts, which exits through here.
 */
type Stream = NodeJS.WriteStream;

/** Resolves once everything written to `stream` so far has been handed to the OS (or the
 *  reader went away: EPIPE ends the wait, it must not end nsnet with a stack trace). */
export function drained(stream: Stream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    // a write callback runs after every earlier write has been flushed, in order
    stream.write("", () => resolve());
  });
}

/** A reader that closed early (`nsnet show | head`) is not an error of ours. */
export function ignoreClosedReader(stream: Stream): void {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
  });
}

/** process.stdout and process.stderr, once created. */
const created = new Set<Stream>();

function adopt(stream: Stream): Stream {
  if (!created.has(stream)) {
    created.add(stream);
    ignoreClosedReader(stream);
  }
  return stream;
}

/**
 * Node creates process.stdout and process.stderr when they are first used — for a pipe, as
 * udev gives a hook, that loads node's net and stream modules, a few ms of a start
 * (docs/startup.md). So nothing touches them up front: each is guarded against a closed
 * reader when it is created, and only those are drained at exit. A hook or a check that
 * prints nothing creates neither.
 */
export function guardStandardStreams(): void {
  for (const name of ["stdout", "stderr"] as const) {
    const own = Object.getOwnPropertyDescriptor(process, name);
    if (!own?.get || !own.configurable) {
      adopt(process[name]);
      continue;
    }
    const create = own.get;
    const enumerable = own.enumerable ?? true;
    Object.defineProperty(process, name, {
      configurable: true,
      enumerable,
      get() {
        const stream = adopt(create.call(process) as Stream);
        Object.defineProperty(process, name, { configurable: true, enumerable, get: () => stream });
        return stream;
      },
    });
  }
}

export async function exitAfterDrain(code: number, streams: Stream[] = [...created]): Promise<never> {
  await Promise.all(streams.map(drained));
  process.exit(code);
}
