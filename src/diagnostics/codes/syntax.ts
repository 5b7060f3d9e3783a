import type { CodeInfo } from "../diagnostic.js";

export const syntaxCodes: CodeInfo[] = [];
