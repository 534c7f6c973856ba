/** Output helpers shared by the benchmarks: `name=value` lines and percentiles. */

export function figure(name: string, value: number | string, digits = 2): void {
  process.stdout.write(`${name}=${typeof value === 'number' ? round(value, digits) : value}\n`);
}

function round(value: number, digits: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(digits);
}

/** The p-th percentile (0..100) of the samples, nearest-rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function target(name: string, met: boolean, description: string): void {
  process.stdout.write(`${name}_target=${description}\n${name}_target_met=${met}\n`);
}
