export * from './job-names.js';
export * from './job-producer.js';
export * from './queue-backend.js';
export * from './outbox.js';
export * from './jobs.module.js';
