export * from './definition.js';
export * from './errors.js';
export * from './normalise.js';
export * from './poller.js';
export * from './telegram-channel.js';
export * from './update-schema.js';
