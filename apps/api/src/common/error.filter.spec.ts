import { describe, expect, it } from '@jest/globals';
import { isDatabaseUnavailable } from './error.filter.js';

describe(isDatabaseUnavailable.name, () => {
  it('knows a database that is down, shutting down or dropped the connection under a transaction', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    // TypeORM wraps the driver's error.
    expect(isDatabaseUnavailable(Object.assign(new Error('query failed'), { name: 'QueryFailedError', driverError: { code: '57P03' } }))).toBe(true);
    // The next statement of a transaction whose connection was lost between two statements.
    expect(isDatabaseUnavailable(Object.assign(new Error('released'), { name: 'QueryRunnerProviderAlreadyReleasedError' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('outer', { cause: new Error('Connection terminated unexpectedly') }))).toBe(true);
  });

  it('leaves every other error a 500', () => {
    expect(isDatabaseUnavailable(new Error('x is undefined'))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
