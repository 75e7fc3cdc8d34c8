export * from './ogg.js';
export * from './voice-middleware.js';
