import { createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import * as client from 'openid-client';
import { DataSource } from 'typeorm';
import { DomainError, ErrorKind, invalid, notFound } from '#domain';
import type { Actor } from '#access';
import { getConfig, type OidcConfig } from '#config';
import { OidcLoginRepository } from '#persistence';
import { AuthService } from '../auth.service.js';
import { SignInRateLimiter } from '../sign-in-rate-limiter.js';
import { noMappedGroup, type OidcClaims, provisionOidcUser } from './oidc-provisioning.js';

/** How long a started sign-in may take at the IdP. */
export const OIDC_LOGIN_TTL_SECONDS = 600;

const badState = () =>
  invalid(
    'AUTH.OIDC_STATE',
    'Inloggningen kunde inte slutföras (ogiltig eller redan använd). Börja om från inloggningssidan.',
    'The sign-in could not be completed (invalid or already used). Start again from the sign-in page.',
  );

const failed = () =>
  new DomainError(
    'AUTH.OIDC_FAILED',
    ErrorKind.Unauthenticated,
    'Inloggningstjänsten godkände inte inloggningen. Försök igen.',
    'The identity provider did not confirm the sign-in. Try again.',
  );

/**
 * Sign-in through the municipality's OpenID Connect provider: authorization code flow with PKCE
 * (S256), state and nonce kept server-side in a single-use `oidc_login` row that is bound to the
 * browser by an httpOnly cookie. The ID token is validated by openid-client (signature via the
 * IdP's JWKS, issuer, audience, expiry, nonce). The session that follows is the same as a local one.
 */
@Injectable()
export class OidcService {
  private readonly logger = new Logger(OidcService.name);
  private readonly rateLimiter: SignInRateLimiter;
  private discovered: Promise<client.Configuration> | undefined;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {
    this.rateLimiter = new SignInRateLimiter(dataSource);
  }

  /** Read per call (cached by libs/config), so the test provider's issuer can be set after the app has started. */
  private get config() {
    return getConfig();
  }

  private settings(): OidcConfig {
    if (!this.config.oidc) {
      throw notFound('AUTH.OIDC_NOT_CONFIGURED', 'Inloggning via kommunens inloggningstjänst är inte aktiverad.', 'Sign-in through the municipality’s identity provider is not enabled.');
    }
    return this.config.oidc;
  }

  /** The IdP's metadata, discovered once (a failed discovery is retried on the next sign-in). */
  private configuration(oidc: OidcConfig): Promise<client.Configuration> {
    this.discovered ??= client
      .discovery(oidc.issuer, oidc.clientId, oidc.clientSecret, undefined, oidc.allowInsecureIssuer ? { execute: [client.allowInsecureRequests] } : undefined)
      .catch((e: unknown) => {
        this.discovered = undefined;
        this.logger.error({ msg: 'OIDC discovery failed', error: e instanceof Error ? e.message : String(e) });
        throw new DomainError('AUTH.OIDC_UNAVAILABLE', ErrorKind.Unavailable, 'Inloggningstjänsten svarar inte. Försök igen om en stund.', 'The identity provider does not answer. Try again in a while.');
      });
    return this.discovered;
  }

  private hash(value: string): Buffer {
    return createHmac('sha256', this.config.session.secret).update(`oidc:${value}`).digest();
  }

  /** Starts a sign-in: the IdP URL to redirect to, and the browser-binding value for the cookie. */
  async start(clientIp: string | null): Promise<{ url: string; bindingToken: string }> {
    const oidc = this.settings();
    await this.rateLimiter.consume(clientIp, null);
    const configuration = await this.configuration(oidc);
    const state = client.randomState();
    const nonce = client.randomNonce();
    const codeVerifier = client.randomPKCECodeVerifier();
    const bindingToken = randomBytes(32).toString('base64url');
    await new OidcLoginRepository(this.dataSource).createLogin({
      stateHash: this.hash(state),
      bindingHash: this.hash(bindingToken),
      nonce,
      codeVerifier,
      ttlSeconds: OIDC_LOGIN_TTL_SECONDS,
    });
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: oidc.redirectUri.href,
      scope: oidc.scopes,
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, bindingToken };
  }

  /**
   * Completes a sign-in from the IdP's redirect: consumes the started sign-in (once, same browser),
   * exchanges the code, validates the ID token, provisions the user and opens a session.
   */
  async complete(
    query: string,
    bindingToken: string | undefined,
    clientIp: string | null,
    requestId: string,
  ): Promise<{ token: string; csrfToken: string; actor: Actor }> {
    const oidc = this.settings();
    await this.rateLimiter.consume(clientIp, null);
    const params = new URLSearchParams(query);
    const state = params.get('state');
    if (!state || !bindingToken) throw badState();
    const login = await new OidcLoginRepository(this.dataSource).consumeLogin(this.hash(state), this.hash(bindingToken));
    if (!login) throw badState();
    const configuration = await this.configuration(oidc);
    // The response is read against the configured redirect URI, never the request's Host header.
    const currentUrl = new URL(oidc.redirectUri.href);
    currentUrl.search = params.toString();
    let claims: OidcClaims;
    try {
      const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: login.codeVerifier,
        expectedState: state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      claims = { ...(tokens.claims() as OidcClaims) };
      // Some IdPs put groups or the username only in UserInfo.
      if ((claims[oidc.groupsClaim] === undefined || claims[oidc.usernameClaim] === undefined) && tokens.access_token) {
        const info = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub).catch(() => null);
        if (info) claims = { ...info, ...claims, [oidc.groupsClaim]: claims[oidc.groupsClaim] ?? info[oidc.groupsClaim] } as OidcClaims;
      }
    } catch (e) {
      // Error codes only: the messages may echo claims.
      const err = e as { code?: string; error?: string };
      this.logger.warn({ msg: 'OIDC sign-in refused', code: err.code ?? null, error: err.error ?? null });
      throw failed();
    }
    const issuer = configuration.serverMetadata().issuer;
    const result = await this.dataSource.transaction((m) => provisionOidcUser(m, oidc, issuer, claims, requestId));
    // Memberships removed above are committed before the refusal: losing every group ends access.
    if (!result.actor) throw noMappedGroup();
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    await new OidcLoginRepository(this.dataSource).createSession(this.auth.sessionHash(token), result.userId, csrfToken, this.config.session.absoluteSeconds);
    return { token, csrfToken, actor: result.actor };
  }
}
