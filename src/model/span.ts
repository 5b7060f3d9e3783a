/** 1-based line and column; offset is 0-based into the source text. */
export interface Position {
  offset: number;
  line: number;
  column: number;
}

/** A range of source text. `end` is exclusive. `file` is the path as the user gave it. */
export interface Span {
  file: string;
  start: Position;
  end: Position;
}

/** A span for things that have no source (synthesised defaults, CLI arguments). */
export function noSpan(file = "<nsnet>"): Span {
  return { file, start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } };
}

/** The smallest span covering both. Both must be in the same file. */
export function joinSpans(a: Span, b: Span): Span {
  const start = a.start.offset <= b.start.offset ? a.start : b.start;
  const end = a.end.offset >= b.end.offset ? a.end : b.end;
  return { file: a.file, start, end };
}
