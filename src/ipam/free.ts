/**
 * Lowest-free-first over a range of unit indices [lo, hi] with a few taken ones and a few
 * taken runs (`reserve A-B`). Only the taken units and runs are stored (sorted once); the
 * cursor only moves up, so handing out n units costs O(n + t + r) after sorting — a /64 is
 * never enumerated, nor is a run of reserved addresses. Works on numbers (IPv4) and bigints
 * (IPv6) alike: it only compares and increments.
 */
export class FreeUnits<U extends number | bigint> {
  private readonly taken: U[];
  private readonly runs: (readonly [U, U])[];
  private next = 0;
  private nextRun = 0;
  private cursor: U;

  constructor(
    lo: U,
    private readonly hi: U,
    taken: Iterable<U>,
    runs: Iterable<readonly [U, U]> = [],
  ) {
    this.taken = [...taken].filter((u) => u >= lo && u <= hi).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.runs = [...runs].filter(([a, b]) => a <= b && b >= lo && a <= hi).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    this.cursor = lo;
  }

  /** The lowest unit not taken and not handed out yet, or null when none is left. */
  take(): U | null {
    const t = this.taken;
    const r = this.runs;
    for (;;) {
      while (this.next < t.length && t[this.next]! < this.cursor) this.next++;
      while (this.nextRun < r.length && r[this.nextRun]![1] < this.cursor) this.nextRun++;
      if (this.next < t.length && t[this.next] === this.cursor) {
        this.cursor++;
        continue;
      }
      const run = r[this.nextRun];
      if (run && run[0] <= this.cursor) {
        let after = run[1];
        after++;
        this.cursor = after;
        continue;
      }
      break;
    }
    if (this.cursor > this.hi) return null;
    const unit = this.cursor;
    this.cursor++;
    return unit;
  }
}
