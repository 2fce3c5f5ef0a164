import { describe, expect, it } from '@jest/globals';
import { ConfigError, parseConfig } from './config.js';

const OIDC = {
  OIDC_ISSUER: 'https://idp.example.se/realms/kommun',
  OIDC_CLIENT_ID: 'matpunkt',
  OIDC_CLIENT_SECRET: 'secret',
  OIDC_REDIRECT_URI: 'https://matpunkt.example.se/api/v1/auth/oidc/callback',
  OIDC_MUNICIPALITY_CODE: '1480',
  OIDC_GROUP_MAP: '{"soc-handlaggare-vux":[{"unit":"VUX","role":"caseworker"}],"soc-chef-vux":[{"unit":"VUX","role":"unit_head"}]}',
};

function problems(env: Record<string, string>): string {
  try {
    parseConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.join('\n');
    throw e;
  }
  return '';
}

describe('OIDC, rate-limit and log-review configuration', () => {
  it('is off by default, with rate limits and log-review defaults', () => {
    const c = parseConfig({});
    expect(c.oidc).toBeUndefined();
    expect(c.signInRateLimit).toEqual({ perIp: 30, perUsername: 10, windowSeconds: 300 });
    expect(c.logReview).toEqual({ sampleSize: 20, manyClientsThreshold: 30, manyClientsWindowMinutes: 60 });
  });

  it('reads a complete OIDC block, with default claims and scopes', () => {
    const c = parseConfig(OIDC).oidc!;
    expect(c.issuer.href).toBe('https://idp.example.se/realms/kommun');
    expect(c.usernameClaim).toBe('preferred_username');
    expect(c.groupsClaim).toBe('groups');
    expect(c.scopes).toBe('openid profile');
    expect(c.groupMap.get('soc-chef-vux')).toEqual([{ unit: 'VUX', role: 'unit_head' }]);
    expect(c.allowInsecureIssuer).toBe(false);
  });

  it('names every missing companion variable and every bad mapping', () => {
    expect(problems({ OIDC_ISSUER: OIDC.OIDC_ISSUER })).toMatch(/OIDC_CLIENT_ID.*OIDC_REDIRECT_URI.*OIDC_GROUP_MAP.*OIDC_MUNICIPALITY_CODE/s);
    expect(problems({ ...OIDC, OIDC_GROUP_MAP: '{"g":[{"unit":"VUX","role":"king"}]}' })).toMatch(/role "king"/);
    expect(problems({ ...OIDC, OIDC_GROUP_MAP: 'not json' })).toMatch(/must be JSON/);
    expect(problems({ OIDC_CLIENT_ID: 'x' })).toMatch(/OIDC_CLIENT_ID: is set but OIDC_ISSUER is not/);
  });

  it('allows a plain-http issuer only on loopback outside production', () => {
    expect(parseConfig({ ...OIDC, OIDC_ISSUER: 'http://127.0.0.1:4000' }).oidc!.allowInsecureIssuer).toBe(true);
    expect(problems({ ...OIDC, OIDC_ISSUER: 'http://idp.example.se' })).toMatch(/OIDC_ISSUER: must be https/);
  });
});

describe('TRUST_PROXY', () => {
  it('trusts no proxy by default: the client address is the socket address', () => {
    expect(parseConfig({}).trustProxy).toBe(false);
    expect(parseConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(parseConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  });

  it('reads the proxies as addresses and CIDR ranges, with the named ranges Fastify knows', () => {
    expect(parseConfig({ TRUST_PROXY: '10.0.0.5, 192.168.1.0/24,fd00::/8, ::1,loopback' }).trustProxy).toEqual(['10.0.0.5', '192.168.1.0/24', 'fd00::/8', '::1', 'loopback']);
  });

  it('refuses hop counts and anything that is not an address or range, naming the bad entries', () => {
    expect(problems({ TRUST_PROXY: '1' })).toMatch(/TRUST_PROXY: a hop count cannot tell the proxy/);
    expect(problems({ TRUST_PROXY: '10.0.0.5,proxy.example.se,10.0.0.0/33' })).toMatch(/TRUST_PROXY: .*"proxy\.example\.se", "10\.0\.0\.0\/33"/);
    expect(problems({ TRUST_PROXY: 'yes' })).toMatch(/TRUST_PROXY/);
  });
});
