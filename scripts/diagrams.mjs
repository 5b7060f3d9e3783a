#!/usr/bin/env node
// Writes grammar/diagrams.html (railroad diagrams) from the parser itself.
// Run after `npm run build`:  node scripts/diagrams.mjs
import { writeFileSync } from "node:fs";
import { createSyntaxDiagramsCode } from "chevrotain";
// NSNET_DIST points at another build output (default: ../dist)
const dist = process.env.NSNET_DIST ? new URL(`file://${process.env.NSNET_DIST}/`) : new URL("../dist/", import.meta.url);
const { parser } = await import(new URL("syntax/parser.js", dist).href);

const html = createSyntaxDiagramsCode(parser.getSerializedGastProductions());
writeFileSync(new URL("../grammar/diagrams.html", import.meta.url), html);
console.log("wrote grammar/diagrams.html");
