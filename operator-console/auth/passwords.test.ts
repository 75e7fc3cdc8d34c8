import { describe, expect, it } from '@jest/globals';
import { generatePassword } from './passwords.js';

describe('generatePassword', () => {
  // One in 64 base64url strings starts with '-': over 20,000 draws the old generator produced
  // about 300 such passwords, which `--password -x...` on a command line reads as an option.
  const drawn = Array.from({ length: 20_000 }, () => generatePassword());

  it('never starts with "-" (or "_"), over 20,000 passwords', () => {
    expect(drawn.filter((p) => /^[-_]/.test(p))).toEqual([]);
  });

  it('is 20 URL-safe characters, still random in every position', () => {
    expect(drawn.filter((p) => !/^[A-Za-z0-9][A-Za-z0-9_-]{19}$/.test(p))).toEqual([]);
    expect(new Set(drawn).size).toBe(drawn.length);
    // Every letter and digit shows up first: the fix redraws, it does not pin a prefix.
    expect(new Set(drawn.map((p) => p[0])).size).toBe(62);
  });
});
