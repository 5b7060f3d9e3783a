import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where nsnet's helper is: `helper/nsnet-helper.pl` (and its modules in helper/Nsnet/), the
 * program that enters namespaces for nsnet (helper-protocol.ts says what it is told and
 * what it answers). It lives two folders above this module wherever nsnet runs from: the
 * sources (src/exec/), tsc's build (dist/exec/) and the bundle (dist/cli/), so the installed
 * package ships the folder beside dist/.
 */
export const HELPER_DIR = fileURLToPath(new URL("../../helper/", import.meta.url));
export const HELPER_MAIN = join(HELPER_DIR, "nsnet-helper.pl");

let perl: boolean | undefined;
/** Whether `perl` is on PATH (perl-base is essential on Debian; elsewhere it may be missing);
 *  without a PATH (`env -i`), where execvp looks then. */
export function perlOnPath(): boolean {
  perl ??= (process.env.PATH ?? "/bin:/usr/bin").split(delimiter).some((d) => d !== "" && existsSync(join(d, "perl")));
  return perl;
}

let present: boolean | undefined;
/** The helper's argv, or null where it cannot run (no perl, or the folder was not shipped):
 *  callers then do the work with `ip`, `nsenter`, `sysctl` and `nft`. Whether a run of it
 *  works is each call's own business (fanout.ts): nothing here remembers a failure. */
export function helperArgv(): string[] | null {
  present ??= existsSync(HELPER_MAIN);
  return present && perlOnPath() ? ["perl", HELPER_MAIN] : null;
}

/** The runner's gate: perl runs this one program and nothing else. */
export function isHelperArgv(argv: readonly string[]): boolean {
  return argv.length === 2 && argv[0] === "perl" && argv[1] === HELPER_MAIN;
}
