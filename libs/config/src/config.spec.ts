import { describe, expect, it } from '@jest/globals';
import { ConfigError, parseConfig } from './config.js';

describe('parseConfig', () => {
  it('gives the embedded defaults on an empty environment', () => {
    const config = parseConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.pii.encryptionKey).toHaveLength(32);
  });

  it('lists every bad variable at once', () => {
    let error: unknown;
    try {
      parseConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', REDIS_URL: 'http://x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('PORT');
    expect(problems).toContain('DATABASE_URL');
    expect(problems).toContain('REDIS_URL');
  });

  it('refuses production without real secrets and services', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(/PII_ENCRYPTION_KEY.*required/s);
  });
});
