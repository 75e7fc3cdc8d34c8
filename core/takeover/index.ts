export * from './gate.js';
export * from './rules.js';
export * from './takeover-service.js';
export * from './texts.js';
