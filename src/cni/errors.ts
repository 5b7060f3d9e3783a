/**
 * CNI errors as the spec defines them: `{cniVersion, code, msg, details}` on stdout, exit
 * non-zero. Codes 0–99 are the spec's; 999 is what libcni's skeleton uses for a plugin's
 * own failures (kernel refusals and the like), so runtimes already know how to show it.
 */
export const CNI_CODE = {
  incompatibleVersion: 1,
  unsupportedField: 2,
  unknownContainer: 3,
  invalidEnvironment: 4,
  ioFailure: 5,
  decodeFailure: 6,
  invalidNetconf: 7,
  tryAgainLater: 11,
  notAvailable: 50,
  notAvailableLimited: 51,
  /** plugin-specific: CHECK found live state different from the recorded result */
  checkMismatch: 100,
  internal: 999,
} as const;

export type CniCode = (typeof CNI_CODE)[keyof typeof CNI_CODE];

const MSG: Record<number, string> = {
  1: "Incompatible CNI version",
  2: "Unsupported field in network configuration",
  3: "Container unknown or does not exist",
  4: "Invalid environment variables",
  5: "I/O failure",
  6: "Failed to decode content",
  7: "Invalid network configuration",
  11: "Try again later",
  50: "The plugin is not available",
  51: "The plugin is not available, existing containers may have limited connectivity",
  100: "Live state differs from the recorded result",
  999: "nsnet failed",
};

export class CniError extends Error {
  constructor(
    readonly code: CniCode,
    readonly details: string,
    msg?: string,
  ) {
    super(msg ?? MSG[code] ?? "error");
  }
}

export function errorJson(e: CniError, cniVersion: string): string {
  return JSON.stringify({ cniVersion, code: e.code, msg: e.message, details: e.details }) + "\n";
}
