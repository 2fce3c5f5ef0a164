import { randomInt } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { resetConfigCache } from '#config';
import { createTestApp, type TestApp } from '../utils/test-app.js';

// A low per-IP limit over a long window for this file only (the run lifts the limits elsewhere).
const ENV = { SIGN_IN_RATE_LIMIT_PER_IP: '3', SIGN_IN_RATE_LIMIT_WINDOW_SECONDS: '86400' };
const saved = Object.fromEntries(['TRUST_PROXY', ...Object.keys(ENV)].map((k) => [k, process.env[k]]));

let t: TestApp | undefined;

/** The app with this file's limits and TRUST_PROXY set to `trustProxy` (undefined: the default). */
async function appWith(trustProxy: string | undefined): Promise<TestApp> {
  Object.assign(process.env, ENV);
  if (trustProxy === undefined) delete process.env.TRUST_PROXY;
  else process.env.TRUST_PROXY = trustProxy;
  resetConfigCache();
  t = await createTestApp();
  return t;
}

/** A loopback address of its own (127.x.y.z): the connection's source, so no other test shares its counter. */
const loopbackSource = () => `127.${randomInt(1, 255)}.${randomInt(0, 255)}.${randomInt(1, 255)}`;
/** A made-up client address from a documentation range, sent in X-Forwarded-For. */
const forged = () => `203.0.113.${randomInt(1, 255)}`;

/** A failed sign-in over real HTTP from `source`, claiming to come from `forwardedFor`; resolves to the status. */
function signInFrom(source: string, forwardedFor: string): Promise<number> {
  const url = new URL('/api/v1/auth/sign-in', t!.baseUrl);
  const body = JSON.stringify({ username: `nobody-${randomInt(1e9)}`, password: 'fel-lösenord' });
  return new Promise((ok, fail) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress: source, headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor } },
      (res) => {
        res.resume();
        res.on('end', () => ok(res.statusCode ?? 0));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

async function attemptsCounted(ip: string): Promise<number> {
  const [{ n }] = await t!.dataSource.query(`SELECT coalesce(sum(attempts), 0)::int AS n FROM sign_in_throttle WHERE key = $1`, [`ip:${ip}`]);
  return n;
}

afterEach(async () => {
  await t?.close();
  t = undefined;
});

afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetConfigCache();
});

describe('the client address behind TRUST_PROXY', () => {
  it('by default a forged X-Forwarded-For is ignored: the per-IP sign-in limit counts the connection\'s own address', async () => {
    await appWith(undefined);
    const source = loopbackSource();
    const claimed = [forged(), forged(), forged(), forged()];
    const statuses = [];
    for (const ip of claimed) statuses.push(await signInFrom(source, ip));
    // A fresh forged address on every attempt does not escape the limit of 3.
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(await attemptsCounted(source)).toBe(4);
    for (const ip of claimed) expect(await attemptsCounted(ip)).toBe(0);
  });

  it('with TRUST_PROXY naming the proxy, X-Forwarded-For from the proxy is the client address, and from anyone else is ignored', async () => {
    const proxy = loopbackSource();
    await appWith(proxy);
    const client = forged();
    expect(await signInFrom(proxy, client)).toBe(401);
    expect(await attemptsCounted(client)).toBe(1);
    expect(await attemptsCounted(proxy)).toBe(0);
    // A direct client (not the proxy) forging the header is counted by its own address.
    const direct = loopbackSource();
    const pretended = forged();
    expect(await signInFrom(direct, pretended)).toBe(401);
    expect([await attemptsCounted(direct), await attemptsCounted(pretended)]).toEqual([1, 0]);
  });
});
