export * from './risk-input.js';
export * from './risk-jobs.js';
export * from './risk-state.js';
