/** Latency statistics over one set of samples, in milliseconds. */
export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
}

/** Summarizes samples. Every statistic is NaN when there are none. */
export function summarizeLatencies(durationsMs: readonly number[]): LatencySummary {
  if (durationsMs.length === 0) return { count: 0, p50Ms: Number.NaN, p95Ms: Number.NaN, meanMs: Number.NaN };

  const sorted = [...durationsMs].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    meanMs: total / sorted.length,
  };
}

/** Nearest-rank percentile of ascending samples: the smallest sample with at least `fraction` of all samples at or below it. */
export function percentile(sortedMs: readonly number[], fraction: number): number {
  const rank = Math.max(1, Math.ceil(fraction * sortedMs.length));
  return sortedMs[rank - 1] ?? Number.NaN;
}
