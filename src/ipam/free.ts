/**
 * Lowest-free-first over a range of unit indices [lo, hi] with a few taken ones. Only the
 * taken units are stored (sorted once); the cursor only moves up, so handing out n units
 * costs O(n + t) after an O(t log t) sort — a /64 is never enumerated. Works on numbers
 * (IPv4) and bigints (IPv6) alike: it only compares and increments.
 */
export class FreeUnits<U extends number | bigint> {
  private readonly taken: U[];
  private next = 0;
  private cursor: U;

  constructor(
    lo: U,
    private readonly hi: U,
    taken: Iterable<U>,
  ) {
    this.taken = [...taken].filter((u) => u >= lo && u <= hi).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.cursor = lo;
  }

  /** The lowest unit not taken and not handed out yet, or null when none is left. */
  take(): U | null {
    const t = this.taken;
    while (this.next < t.length && t[this.next]! < this.cursor) this.next++;
    while (this.next < t.length && t[this.next] === this.cursor) {
      this.cursor++;
      this.next++;
    }
    if (this.cursor > this.hi) return null;
    const unit = this.cursor;
    this.cursor++;
    return unit;
  }
}
