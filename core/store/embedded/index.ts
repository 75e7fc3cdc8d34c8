export * from './sqlite-store.js';
export * from './migrations.js';
export * from './statement-cache.js';
export * from './wal-checkpointer.js';
