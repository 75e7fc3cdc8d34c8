export * from './config.js';
export * from './contract.js';
export * from './definition.js';
export * from './http-headers.js';
export * from './limits.js';
export * from './sessions.js';
export * from './sqlite-sessions.js';
export * from './webchat-channel.js';
import { fileURLToPath } from 'node:url';

/** Static files for `/chat` and `/widget.js`. */
export const WEBCHAT_PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));
