import type { Redis } from 'ioredis';

// A token bucket kept in one Redis hash, refilled from Redis's own clock (TIME), so every node
// draws from the same bucket whatever its local clock says. Returns 0 when a token was taken,
// else the milliseconds until one is due.
const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return wait`;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The cluster-wide counterpart of `RateLimiter`: up to `perSecond` takes per second (burst of the
 * same size, as the in-process one) for one provider account, shared by every node.
 *
 * @example
 * const limiter = new RedisRateLimiter(redis, 'parley:rate:telegram', 25);
 * await limiter.take(); // then call the provider
 */
export class RedisRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly perSecond: number,
    private readonly sleep: (ms: number) => Promise<void> = realSleep,
  ) {}

  async take(): Promise<void> {
    if (!Number.isFinite(this.perSecond) || this.perSecond <= 0) return;
    for (;;) {
      const wait = Number(await this.redis.eval(TAKE, 1, this.key, String(this.perSecond), String(this.perSecond)));
      if (wait <= 0) return;
      await this.sleep(wait);
    }
  }
}
