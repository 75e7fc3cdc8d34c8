export * from './codec.js';
export * from './factories.js';
