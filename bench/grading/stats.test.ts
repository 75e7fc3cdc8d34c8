import { describe, expect, it } from '@jest/globals';
import { bin, isotonicFit, linearFit, pearson, quadraticKappa, quantileCuts, ranks, rmse, spearman } from './stats.js';

describe('grading benchmark statistics (values worked out by hand)', () => {
  it('pearson', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 10);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 10);
    // x = 1,2,3,4 and y = 1,3,2,4: sxy = 4, sxx = syy = 5 -> 0.8
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 10);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBe(0);
  });

  it('ranks share ties, and spearman is pearson on ranks', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    expect(spearman([1, 10, 100, 1000], [1, 2, 3, 4])).toBeCloseTo(1, 10);
  });

  it('linear fit and rmse', () => {
    expect(linearFit([0, 1, 2], [1, 3, 5])).toEqual({ a: 1, b: 2 });
    expect(rmse([0, 0], [3, 4])).toBeCloseTo(Math.sqrt(12.5), 10);
  });

  it('quadratic-weighted kappa: 1 when equal, below 0 when reversed', () => {
    expect(quadraticKappa([0, 1, 2, 3, 4], [0, 1, 2, 3, 4], 5)).toBeCloseTo(1, 10);
    expect(quadraticKappa([0, 1, 2, 3, 4], [4, 3, 2, 1, 0], 5)).toBeCloseTo(-1, 10);
    // a = 0,0,1,1 and b = 0,1,1,1: one disagreement observed; by chance 2*3/4 + 2*1/4 = 2 -> 1 - 1/2
    expect(quadraticKappa([0, 0, 1, 1], [0, 1, 1, 1], 2)).toBeCloseTo(0.5, 10);
  });

  it('bins a 0..1 score to quarters, and cuts scores in the proportions of ratings', () => {
    expect([0, 0.1, 0.2, 0.5, 0.9, 1].map((x) => bin(x, 5))).toEqual([0, 0, 1, 2, 4, 4]);
    // two thirds rated 0, one third rated 1: the cut sits at the 2nd-lowest score
    expect(quantileCuts([0.9, 0.1, 0.5], [0, 0, 1], 2)).toEqual([0.5]);
  });

  it('isotonic fit pools adjacent violators into a non-decreasing step function', () => {
    // y = 1, 3, 2, 4: the middle pair violates the order and pools to 2.5
    const f = isotonicFit([1, 2, 3, 4], [1, 3, 2, 4]);
    expect([0, 1, 2, 2.5, 3, 4, 9].map(f)).toEqual([1, 1, 2.5, 2.5, 2.5, 4, 4]);
    expect(isotonicFit([3, 1, 2], [0, 1, 1])(2)).toBe(2 / 3);
  });
});
