import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { IdentityCrypto } from './identity-crypto.js';

describe(IdentityCrypto.name, () => {
  const sut = new IdentityCrypto(randomBytes(32), 'x'.repeat(32));
  const m1 = '00000000-0000-0000-0000-000000000001';
  const m2 = '00000000-0000-0000-0000-000000000002';

  it('round-trips and never stores the plain text', () => {
    const blob = sut.encrypt(m1, '198112189876');
    expect(blob.toString('latin1')).not.toContain('198112189876');
    expect(sut.decrypt(m1, blob)).toBe('198112189876');
  });

  it('refuses to decrypt under another municipality', () => {
    expect(() => sut.decrypt(m2, sut.encrypt(m1, '198112189876'))).toThrow();
  });

  it('gives a stable index per municipality that differs between municipalities', () => {
    expect(sut.blindIndex(m1, '198112189876')).toBe(sut.blindIndex(m1, '198112189876'));
    expect(sut.blindIndex(m1, '198112189876')).not.toBe(sut.blindIndex(m2, '198112189876'));
  });
});
