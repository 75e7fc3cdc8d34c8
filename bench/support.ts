/** One benchmark's figures, printed by bench/run.ts. */
export interface BenchResult {
  name: string;
  metrics: Record<string, number | string>;
  goal?: string;
}

/** The p-th percentile (0..1) of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

export function rssMb(): number {
  return Math.round(process.memoryUsage().rss / 1024 / 1024);
}

export function formatResult(r: BenchResult): string {
  const figures = Object.entries(r.metrics).map(([k, v]) => `${k}=${v}`).join('  ');
  return `${r.name.padEnd(24)} ${figures}${r.goal ? `  (goal: ${r.goal})` : ''}`;
}
