import type { PingResult } from "./engine-port.js";

/** `ping -c1` output → reachability and round-trip time ("time=0.050 ms", "time<1 ms"). */
export function parsePing(exitCode: number, stdout: string, stderr: string): PingResult {
  if (exitCode === 0) {
    const m = /time[=<]([0-9.]+) ?ms/.exec(stdout);
    return m ? { ok: true, ms: Number(m[1]) } : { ok: true };
  }
  // exit 1: no reply (that is the answer, not an error); 2 and others: ping could not run
  const why = stderr.trim().split("\n")[0];
  return exitCode === 1 || !why ? { ok: false } : { ok: false, error: why };
}
