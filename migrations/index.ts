import { CreateFoundationSchema1764460800000 } from './1764460800000-CreateFoundationSchema.js';

/** Every migration, in order. The DataSource and the migration CLI both read this list. */
export const MIGRATIONS = [CreateFoundationSchema1764460800000];
