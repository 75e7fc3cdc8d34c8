export * from './score.js';
export * from './sentiment.js';
