/**
 * Spec versions nsnet speaks. 1.1.0 adds STATUS and GC (implemented); results before 1.0.0
 * carry `version` on each IP (0.3.x/0.4.0 form), otherwise the shapes are the same.
 */
import { CNI_CODE, CniError } from "./errors.js";

export const SUPPORTED_VERSIONS = ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"] as const;
export const LATEST_VERSION = "1.1.0";

export function assertSupported(version: string): void {
  if (!(SUPPORTED_VERSIONS as readonly string[]).includes(version)) {
    throw new CniError(CNI_CODE.incompatibleVersion, `cniVersion ${JSON.stringify(version)} is not supported; nsnet speaks ${SUPPORTED_VERSIONS.join(", ")}`);
  }
}

/** `a` ≥ `b` for dotted versions. */
export function versionAtLeast(a: string, b: string): boolean {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

export function versionJson(cniVersion: string): string {
  return JSON.stringify({ cniVersion, supportedVersions: SUPPORTED_VERSIONS }) + "\n";
}
