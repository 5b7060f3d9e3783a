/**
 * Sysctls of a container's namespace, written through its own /proc/sys (/proc/sys/net
 * shows the network namespace of the process that opens it) by this very node, started
 * inside the namespace by nsenter — no `sysctl` program, which runtimes' minimal PATHs
 * (`env -i`, /usr/bin:/bin) do not reach. The keys and values were checked by the checker;
 * argv carries them as data, the program is a constant.
 */
import { sysctlPath } from "../exec/ip-json.js";

/** Writes each PATH VALUE pair as `sysctl -w` would (the value and a newline, once) and
 *  says what failed in sysctl's own words. One line: argv allows no newline. */
export const SYSCTL_WRITER =
  'const fs=require("fs"),a=process.argv.slice(1);for(let i=0;i+1<a.length;i+=2){try{fs.writeFileSync(a[i],a[i+1]+"\\n",{flag:"r+"})}catch(e){process.stderr.write("sysctl: "+(e.code==="ENOENT"?"cannot stat "+a[i]+": No such file or directory":"setting "+a[i]+": "+(e.code||e.message))+"\\n");process.exit(1)}}';

/** argv writing `KEY=VALUE` assignments inside the namespace at `enter` (a path nsenter opens). */
export function sysctlWriteIn(enter: string, assignments: readonly string[], node: string = process.execPath): string[] {
  const pairs = assignments.flatMap((kv) => {
    const eq = kv.indexOf("=");
    return [sysctlPath(kv.slice(0, eq)), kv.slice(eq + 1)];
  });
  return ["nsenter", `--net=${enter}`, "--", node, "-e", SYSCTL_WRITER, ...pairs];
}
