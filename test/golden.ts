import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

/**
 * The one golden-file check: `actual` must equal the file. UPDATE_GOLDEN=1 rewrites the file
 * (review the diff: golden files are the specification by example). A missing golden file
 * is a failure, never silently created.
 */
export function expectGolden(file: URL | string, actual: string): void {
  const path = file instanceof URL ? fileURLToPath(file) : file;
  if (process.env.UPDATE_GOLDEN) writeFileSync(path, actual);
  expect(existsSync(path), `${basename(path)} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(actual).toBe(readFileSync(path, "utf8"));
}
