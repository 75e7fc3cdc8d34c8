export * from './config.js';
export * from './input.js';
export * from './score.js';
export * from './episode.js';
export * from './sentiment.js';
export * from './disengagement.js';
export * from './explain.js';
