/** Colours for L2 segments: distinguishable on white, cycled when there are more segments. */
const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"];

export function segmentColor(segment: number): string | undefined {
  return segment > 0 ? PALETTE[(segment - 1) % PALETTE.length] : undefined;
}

/** Partitions: a cut, drawn in a red no L2 segment uses. */
export const PARTITION_COLOR = "#c00000";
