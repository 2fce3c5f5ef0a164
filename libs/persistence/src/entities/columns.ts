import type { ValueTransformer } from 'typeorm';

// Shared column helpers for the entities. Not an entity: the one-class-per-table rule covers the *.entity.ts files.

/** SQL default of every `created_at`-style column. */
export const NOW = (): string => 'now()';

/** SQL default of the jsonb columns declared `DEFAULT '{}'::jsonb`. */
export const EMPTY_JSONB = (): string => "'{}'::jsonb";

/**
 * `numeric` comes back from pg as a string (it may not fit a double); we read it as a number,
 * which is exact enough for scores, targets and weights.
 */
export const numericTransformer: ValueTransformer = {
  to: (value: unknown) => value,
  from: (value: unknown) => (value === null || value === undefined ? value : Number(value)),
};

// JSON types with a fixed nesting depth. A self-referencing JSON type makes TypeORM's
// QueryDeepPartialEntity (insert/update typing) fail with "excessively deep" (TS2589), and
// Record<string, unknown> is not assignable to it; seven levels cover every document we store.
export type JsonScalar = string | number | boolean | null;
type Json0 = JsonScalar;
type Json1 = JsonScalar | Json0[] | { [key: string]: Json0 };
type Json2 = JsonScalar | Json1[] | { [key: string]: Json1 };
type Json3 = JsonScalar | Json2[] | { [key: string]: Json2 };
type Json4 = JsonScalar | Json3[] | { [key: string]: Json3 };
type Json5 = JsonScalar | Json4[] | { [key: string]: Json4 };
type Json6 = JsonScalar | Json5[] | { [key: string]: Json5 };

/** Any JSON value nested at most seven levels deep. */
export type JsonValue = JsonScalar | Json6[] | { [key: string]: Json6 };

/** A JSON object nested at most seven levels deep. */
export type JsonDocument = { [key: string]: Json6 };
