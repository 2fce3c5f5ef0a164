export * from './config.js';
export * from './trust-config.js';
export * from './retention-config.js';
