/** What an importer cannot express: the key, the line it is on, and why. */
export class ImportError extends Error {
  constructor(
    readonly key: string,
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

export function renderImportError(file: string, e: ImportError): string {
  return `${file}:${e.line}: error: ${e.key}: ${e.message}\n`;
}

/** An identifier for nsnet from any name: letters, digits and `_`, not starting with a digit. */
export function identFrom(name: string, fallback: string): string {
  const s = name.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  if (!s) return fallback;
  return /^[0-9]/.test(s) ? `${fallback}_${s}` : s;
}
