// Injected into the CommonJS bundle (scripts/bundle.mjs): what `import.meta.url` means in
// the sources — the running file's URL — for the one file the bundle is.
export const importMetaUrl = require("node:url").pathToFileURL(__filename).href;
