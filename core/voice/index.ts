export * from './ogg.js';
export * from './voice-middleware.js';
export * from './voice-replies.js';
