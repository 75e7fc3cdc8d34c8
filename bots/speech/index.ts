export * from './openai-transcriber.js';
export * from './pocketsphinx-transcriber.js';
