export * from './parse.js';
export * from './candidate-commands.js';
