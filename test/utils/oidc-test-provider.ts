import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestIdentity {
  sub: string;
  preferred_username?: string;
  name?: string;
  groups?: string[];
}

export interface OidcTestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who "signs in" at the next interaction (the provider approves it automatically). */
  signInAs(identity: TestIdentity): void;
  close(): Promise<void>;
}

/**
 * A real OpenID Connect provider (panva's oidc-provider) on a random loopback port: one confidential
 * client, PKCE required, RS256-signed ID tokens from a key made for this run, and interactions
 * (login and consent) approved automatically for the identity set with `signInAs`.
 */
export async function startOidcTestProvider(opts: { redirectUri: string }): Promise<OidcTestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'matpunkt-test';
  const clientSecret = 'matpunkt-test-secret-0123456789abcdef';
  const accounts = new Map<string, TestIdentity>();
  let next: TestIdentity | undefined;

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [opts.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [jwk as never] },
    cookies: { keys: ['oidc-test-provider-cookie-key'] },
    claims: { openid: ['sub'], profile: ['preferred_username', 'name'], groups: ['groups'] },
    scopes: ['openid', 'profile', 'groups'],
    // Put the requested claims in the ID token itself (as most municipal brokers are configured).
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    features: { devInteractions: { enabled: false } },
    findAccount: async (_ctx: unknown, sub: string) => {
      const identity = accounts.get(sub);
      return identity ? { accountId: sub, claims: async () => ({ ...identity }) } : undefined;
    },
  } as never);

  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    if (!url.pathname.startsWith('/interaction/')) return provider.callback()(req, res);
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        if (details.prompt.name === 'login') {
          if (!next) throw new Error('signInAs() was not called');
          accounts.set(next.sub, next);
          return await provider.interactionFinished(req, res, { login: { accountId: next.sub } }, { mergeWithLastSubmission: false });
        }
        const grant = new provider.Grant({ accountId: details.session!.accountId, clientId });
        grant.addOIDCScope(String(details.params.scope));
        const grantId = await grant.save();
        return await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      } catch (e) {
        res.statusCode = 500;
        res.end(String(e));
      }
    })();
  });

  return {
    issuer,
    clientId,
    clientSecret,
    signInAs: (identity) => {
      next = identity;
      accounts.set(identity.sub, identity);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
