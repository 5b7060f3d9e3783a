/** DESIGN §5. */
export const EXIT = {
  ok: 0,
  checkErrors: 1,
  usage: 2,
  rolledBack: 3,
  rollbackIncomplete: 4,
  expectFailed: 5,
} as const;

/** A mistake in how nsnet was called: printed with the command's usage, exit 2. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
  }
}
