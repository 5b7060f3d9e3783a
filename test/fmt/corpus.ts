// Every nsnet source the formatter tests run over: examples, stdlib, valid fixtures, golden inputs.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../../", import.meta.url).pathname;

function nsnetFiles(dir: string, filter: (name: string) => boolean = () => true): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs)
    .filter((f) => f.endsWith(".nsnet") && filter(f))
    .sort()
    .map((f) => join(dir, f));
}

export const exampleFiles = nsnetFiles("examples");
export const goldenInputs = nsnetFiles("test/fmt/golden", (f) => f.endsWith(".in.nsnet"));
export const corpusFiles = [...exampleFiles, ...nsnetFiles("stdlib"), ...nsnetFiles("test/fixtures/valid"), ...goldenInputs];

export function readSource(rel: string): string {
  return readFileSync(join(root, rel), "utf8");
}
export function abs(rel: string): string {
  return join(root, rel);
}
