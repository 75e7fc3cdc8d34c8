export * from './types.js';
export * from './session.js';
export * from './selection.js';
export * from './machine.js';
export * from './integrity.js';
export * from './assessment.js';
export * from './memory.js';
export * from './state.js';
