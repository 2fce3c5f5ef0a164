export * from './audit-chain.js';
export * from './audit-writer.js';
