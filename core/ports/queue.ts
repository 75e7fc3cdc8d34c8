/**
 * Work keyed by a domain key: jobs with the same key run one at a time in order, jobs with
 * different keys run in parallel (up to the queue's concurrency). In-process in embedded
 * mode (durable through the store, which is re-driven on start), BullMQ when distributed.
 *
 * @example
 * queue.process(async ({ messageId }) => engine.processTurn(messageId));
 * await queue.add(conversationId, { messageId });
 */
export interface KeyedQueue<T> {
  add(key: string, payload: T): Promise<void>;
  process(handler: (payload: T, key: string) => Promise<void>): void;
  /** Jobs waiting or running. */
  depth(): number;
  /** Resolves when nothing is waiting or running. */
  drain(): Promise<void>;
  /** Stop taking jobs, finish the running ones. */
  close(): Promise<void>;
}
