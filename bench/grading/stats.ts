/** Agreement statistics for the grading benchmark: plain functions over number arrays. */

export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0;
}

/** Pearson's r; 0 when either side is constant. */
export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx && syy ? sxy / Math.sqrt(sxx * syy) : 0;
}

/** Average ranks (ties share the mean of their positions), 1-based. */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && (order[j + 1] as readonly [number, number])[0] === (order[i] as readonly [number, number])[0]) j++;
    for (let k = i; k <= j; k++) out[(order[k] as readonly [number, number])[1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

export function spearman(xs: readonly number[], ys: readonly number[]): number {
  return pearson(ranks(xs), ranks(ys));
}

/** Least-squares line y = a + b x. */
export function linearFit(xs: readonly number[], ys: readonly number[]): { a: number; b: number } {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
    sxx += ((xs[i] as number) - mx) ** 2;
  }
  const b = sxx ? sxy / sxx : 0;
  return { a: my - b * mx, b };
}

export function rmse(xs: readonly number[], ys: readonly number[]): number {
  return Math.sqrt(mean(xs.map((x, i) => (x - (ys[i] as number)) ** 2)));
}

/** Quadratic-weighted Cohen's kappa between two integer ratings in 0..k-1. */
export function quadraticKappa(a: readonly number[], b: readonly number[], k: number): number {
  const observed = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const ha = new Array<number>(k).fill(0);
  const hb = new Array<number>(k).fill(0);
  a.forEach((x, i) => {
    const y = b[i] as number;
    (observed[x] as number[])[y] = ((observed[x] as number[])[y] as number) + 1;
    ha[x] = (ha[x] as number) + 1;
    hb[y] = (hb[y] as number) + 1;
  });
  const n = a.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = ((i - j) / (k - 1)) ** 2;
      num += w * ((observed[i] as number[])[j] as number);
      den += (w * (ha[i] as number) * (hb[j] as number)) / n;
    }
  }
  return den ? 1 - num / den : 0;
}

/** A 0..1 score binned to 0..bins-1 (0, .25, .5, .75, 1 with 5 bins). */
export function bin(x: number, bins: number): number {
  return Math.max(0, Math.min(bins - 1, Math.round(x * (bins - 1))));
}

/**
 * Cut points on `scores` that split them into `k` ratings in the proportions of `ratings`
 * (0..k-1): the grader's scale mapped onto the humans' without a regression's pull to the mean.
 */
export function quantileCuts(scores: readonly number[], ratings: readonly number[], k: number): number[] {
  const sorted = [...scores].sort((a, b) => a - b);
  const cuts: number[] = [];
  let below = 0;
  for (let r = 0; r < k - 1; r++) {
    below += ratings.filter((x) => x === r).length;
    cuts.push(sorted[Math.min(sorted.length - 1, Math.max(0, below - 1))] as number);
  }
  return cuts;
}

/**
 * Isotonic regression (pool adjacent violators): the best non-decreasing step function from
 * `xs` to `ys` in least squares, returned as a mapping (a score between two fitted points takes
 * the lower one's value; outside, the nearest end's). A monotone calibration: ranks, hence
 * Spearman, do not change, and Pearson little.
 */
export function isotonicFit(xs: readonly number[], ys: readonly number[]): (x: number) => number {
  const order = xs.map((x, i) => [x, ys[i] as number] as const).sort((a, b) => a[0] - b[0]);
  // Blocks of [lowest x, sum of y, count], merged while a block's mean is below its predecessor's.
  const blocks: [number, number, number][] = [];
  for (const [x, y] of order) {
    blocks.push([x, y, 1]);
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1] as [number, number, number];
      const prev = blocks[blocks.length - 2] as [number, number, number];
      if (prev[1] / prev[2] < last[1] / last[2]) break;
      blocks.pop();
      prev[1] += last[1];
      prev[2] += last[2];
    }
  }
  return (x: number) => {
    let value = blocks.length ? (blocks[0] as [number, number, number])[1] / (blocks[0] as [number, number, number])[2] : 0;
    for (const [start, sum, n] of blocks) {
      if (start > x) break;
      value = sum / n;
    }
    return value;
  };
}
