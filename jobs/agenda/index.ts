export * from './sqlite-backend.js';
export * from './sqlite-job-repository.js';
// redis-backend.js is imported directly by whoever needs it: it loads ioredis (start-up time).
export * from './shift.js';
