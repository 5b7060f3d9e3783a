import type { Position, Span } from "../model/span.js";

/**
 * Offsets → 1-based line/column, by binary search over line starts. Every span the
 * syntax phase emits goes through here, so interpolations re-lexed from a substring
 * get positions consistent with the whole file.
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(
    private readonly text: string,
    readonly file: string,
  ) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(Number.isFinite(offset) ? offset : 0, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { offset: o, line: lo + 1, column: o - this.starts[lo]! + 1 };
  }

  /** `end` is exclusive. */
  span(start: number, end: number): Span {
    const s = this.position(start);
    const e = this.position(Math.max(start, end));
    return { file: this.file, start: s, end: e };
  }
}
