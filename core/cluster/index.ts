export * from './bullmq-keyed-queue.js';
export * from './ordering-lock.js';
export * from './redis-rate-limiter.js';
