/**
 * A high-resolution, strictly increasing wall clock (fractional ms since 1970) used only to put
 * exchanges in wire order. Date.now() ticks in whole milliseconds, and on loopback a nested call
 * often starts and ends within one.
 */
let last = 0;

export function wireTime(): number {
  const t = performance.timeOrigin + performance.now();
  last = t > last ? t : last + 0.001;
  return last;
}

/** A duration for display: milliseconds with one decimal. */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}
