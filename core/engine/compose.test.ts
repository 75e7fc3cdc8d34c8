import { describe, expect, it } from '@jest/globals';
import { compose, type Middleware, type TurnContext } from './context.js';

const ctx = {} as TurnContext;

describe('compose', () => {
  it('runs middleware in order and stops where one does not call next()', async () => {
    const seen: string[] = [];
    const chain: Middleware[] = [
      async (_c, next) => {
        seen.push('a');
        await next();
      },
      async () => {
        seen.push('b');
      },
      async () => {
        seen.push('never');
      },
    ];
    await compose(chain)(ctx);
    expect(seen).toEqual(['a', 'b']);
  });

  it('refuses a second next() instead of running the rest of the chain twice', async () => {
    const replies: string[] = [];
    const chain: Middleware[] = [
      async (_c, next) => {
        await next();
        await next();
      },
      async () => {
        replies.push('reply');
      },
    ];
    await expect(compose(chain)(ctx)).rejects.toThrow('called next() more than once');
    expect(replies).toEqual(['reply']);
  });
});
