export * from './cv-middleware.js';
export * from './extract.js';
export * from './feedback.js';
export * from './lexicon.js';
export * from './profile.js';
export * from './texts.js';
