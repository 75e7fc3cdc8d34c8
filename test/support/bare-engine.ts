import { Engine, InProcessEventBus, InProcessKeyedQueue, OutboundDispatcher, type BackoffPolicy, type EngineDeps, type Middleware, type TurnJob } from '../../core/engine/index.js';
import { silentLogger, type ChannelAdapter, type Logger, type Scheduler, type Store } from '../../core/ports/index.js';
import type { ChannelId } from '../../core/domain/index.js';

/**
 * A real Engine and outbound dispatcher over `store`, with no plugins: the bot is `middleware`,
 * the clock the system's, retries without waiting. For tests of the engine's own durability.
 */
export function bareEngine(opts: { store: Store; adapters: Map<ChannelId, ChannelAdapter>; middleware: Middleware[]; log?: Logger; backoff?: BackoffPolicy; typing?: EngineDeps['typing']; scheduler?: Scheduler }): Engine {
  const { store, adapters, middleware } = opts;
  const log = opts.log ?? silentLogger;
  const bus = new InProcessEventBus();
  const clock = { now: () => new Date() };
  const outbound = new OutboundDispatcher({ store, adapters, bus, clock, log, sleep: async () => {}, ...(opts.backoff ? { backoff: opts.backoff } : {}) });
  return new Engine({ store, queue: new InProcessKeyedQueue<TurnJob>(), outbound, adapters, bus, clock, log, middleware, ...(opts.typing ? { typing: opts.typing } : {}), ...(opts.scheduler ? { scheduler: opts.scheduler } : {}) });
}
