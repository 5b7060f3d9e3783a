import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

/** Compare `actual` with test/<dir>/NAME.golden; UPDATE_GOLDEN=1 rewrites it (review the diff). */
export function expectGolden(dirUrl: string, name: string, actual: string): void {
  const path = fileURLToPath(new URL(`./${name}.golden`, dirUrl));
  if (process.env.UPDATE_GOLDEN) writeFileSync(path, actual);
  expect(existsSync(path), `${name}.golden is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(actual).toBe(readFileSync(path, "utf8"));
}
