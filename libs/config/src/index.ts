export * from './config.js';
export * from './trust-config.js';
