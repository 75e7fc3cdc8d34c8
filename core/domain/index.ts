export * from './channel.js';
export * from './messages.js';
export * from './candidate.js';
export * from './conversation.js';
export * from './events.js';
export * from './errors.js';
export * from './ids.js';
