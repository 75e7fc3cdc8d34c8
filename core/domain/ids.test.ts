import { describe, expect, it } from '@jest/globals';
import { newId } from './ids.js';

describe('newId', () => {
  it('is prefixed, unique and sorts by creation order', () => {
    const ids = Array.from({ length: 5000 }, () => newId('msg'));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^msg_[0-9a-z]{13}[0-9a-f]{12}$/.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
  });
});
