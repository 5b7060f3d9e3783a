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

export async function exitAfterDrain(code: number, streams: Stream[] = [process.stdout, process.stderr]): Promise<never> {
  await Promise.all(streams.map(drained));
  process.exit(code);
}
