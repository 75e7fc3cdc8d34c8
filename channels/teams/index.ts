export * from './auth.js';
export * from './definition.js';
export * from './normalise.js';
export * from './teams-channel.js';
