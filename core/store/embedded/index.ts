export * from './sqlite-store.js';
export * from './migrations.js';
