/**
 * `nsnet --version` and, with --verbose, what this process runs on: node, the entry file,
 * and whether V8 took the bundle's code cache. A cache V8 refuses (made by another node
 * binary, or damaged) is not an error — nsnet runs the same — but every start then parses
 * and compiles the whole bundle, and nothing else would tell (docs/startup.md).
 */

/** What the installed stub (scripts/bundle.mjs) records in `globalThis.__nsnetCodeCache`. */
export interface CodeCacheReport {
  file: string;
  /** 0: no cache file could be read */
  bytes: number;
  /** V8's `cachedDataRejected`; undefined when there was no cache to offer */
  rejected: boolean | undefined;
}

/** The stub's report, or undefined when this nsnet runs unbundled (dist/cli/main.js). */
export function codeCacheReport(): CodeCacheReport | undefined {
  const r = (globalThis as { __nsnetCodeCache?: unknown }).__nsnetCodeCache;
  if (typeof r !== "object" || r === null) return undefined;
  const { file, bytes, rejected } = r as Record<string, unknown>;
  if (typeof file !== "string" || typeof bytes !== "number") return undefined;
  return { file, bytes, rejected: typeof rejected === "boolean" ? rejected : undefined };
}

export function codeCacheLine(r: CodeCacheReport | undefined): string {
  if (!r) return "code cache: none (unbundled: V8 compiles what runs at every start)";
  const kb = `${Math.round(r.bytes / 1024)} KB`;
  if (r.rejected === undefined || r.bytes === 0)
    return `code cache: missing (${r.file}): every start parses and compiles the bundle; \`npm run build\` makes it`;
  if (r.rejected)
    return `code cache: REJECTED by this node (${r.file}, ${kb}; made by another node binary, or damaged): every start parses and compiles the bundle; rebuild with this node (\`npm run build\`)`;
  return `code cache: accepted (${r.file}, ${kb})`;
}

export function versionText(version: string, verbose: boolean, entry: string, cache: CodeCacheReport | undefined): string {
  if (!verbose) return `nsnet ${version}\n`;
  return [`nsnet ${version}`, `node ${process.version} (${process.execPath})`, `entry ${entry}`, codeCacheLine(cache)].join("\n") + "\n";
}
