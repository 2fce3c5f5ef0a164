import type { EntityManager } from 'typeorm';
import { AuditAction, AuditPurpose, DomainError, ErrorKind, forbidden, type Role } from '#domain';
import { type Actor, Permission, scopeFor } from '#access';
import { recordAudit } from '#audit';
import type { OidcConfig } from '#config';
import { OidcLoginRepository, UserRepository } from '#persistence';

const USERNAME = /^[a-z0-9_.@-]{2,100}$/;

/** The claims Mätpunkt reads from the ID token (and UserInfo). */
export type OidcClaims = Record<string, unknown> & { sub: string };

export const noMappedGroup = () =>
  forbidden(
    'AUTH.OIDC_NO_ACCESS',
    'Du är inloggad hos kommunens inloggningstjänst men har ingen behörighet i Mätpunkt. Kontakta din chef eller behörighetsadministratören.',
    'You are signed in at the municipality’s identity provider but have no access to Mätpunkt. Contact your manager or the access administrator.',
  );

/** The IdP groups of the claims, whether the IdP sends a list or one string. */
export function groupsOf(claims: OidcClaims, claim: string): string[] {
  const value = claims[claim];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((g): g is string => typeof g === 'string') : [];
}

/** The username the claims map to (lower-case), or null when it does not fit Mätpunkt's usernames. */
export function usernameOf(claims: OidcClaims, claim: string): string | null {
  const raw = claims[claim] ?? claims.sub;
  const username = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  return USERNAME.test(username) ? username : null;
}

function displayNameOf(claims: OidcClaims, username: string): string {
  const full = typeof claims.name === 'string' ? claims.name : [claims.given_name, claims.family_name].filter((p) => typeof p === 'string').join(' ');
  return (full.trim() || username).slice(0, 200);
}

export interface ProvisionResult {
  userId: string;
  /** Null when the person has no mapped group: their memberships were removed and sign-in is refused. */
  actor: Actor | null;
}

/**
 * Just-in-time provisioning inside the caller's transaction: finds the user by IdP identity
 * (issuer + sub), else links an unlinked user of the same username, else creates one; then
 * replaces all memberships with those the IdP groups map to. Changes are audit-logged.
 */
export async function provisionOidcUser(
  m: EntityManager,
  oidc: OidcConfig,
  issuer: string,
  claims: OidcClaims,
  requestId: string,
): Promise<ProvisionResult> {
  const repo = new OidcLoginRepository(m);
  const municipalityId = await repo.findMunicipalityIdByCode(oidc.municipalityCode);
  if (!municipalityId) {
    throw new DomainError('AUTH.OIDC_MISCONFIGURED', ErrorKind.Unavailable, 'Inloggningen är felkonfigurerad. Kontakta support.', 'Sign-in is misconfigured. Contact support.');
  }
  const username = usernameOf(claims, oidc.usernameClaim);
  if (!username) {
    throw forbidden('AUTH.OIDC_USERNAME_INVALID', 'Inloggningstjänsten skickade inget användbart användarnamn.', 'The identity provider sent no usable username.');
  }
  const grants = groupsOf(claims, oidc.groupsClaim).flatMap((g) => oidc.groupMap.get(g) ?? []);
  const units = await repo.findUnitIdsByCode(municipalityId, [...new Set(grants.map((g) => g.unit))]);
  const memberships = [
    ...new Map(
      grants.filter((g) => units.has(g.unit)).map((g) => [`${g.unit}|${g.role}`, { unitId: units.get(g.unit)!, role: g.role as Role }]),
    ).values(),
  ];

  const conflict = () =>
    forbidden(
      'AUTH.OIDC_ACCOUNT_CONFLICT',
      'Användarnamnet tillhör redan ett annat konto. Kontakta behörighetsadministratören.',
      'The username already belongs to another account. Contact the access administrator.',
    );
  const profile = { username, displayName: displayNameOf(claims, username), issuer, subject: claims.sub };
  let user = await repo.findUserBySubject(issuer, claims.sub);
  let created = false;
  if (user) {
    const holder = user.username === username ? null : await repo.findUserByUsername(username);
    if (holder) throw conflict();
    await repo.linkUser(user.id, profile);
  } else {
    user = await repo.findUserByUsername(username);
    if (user && (user.oidcSubject !== null || user.municipalityId !== municipalityId)) throw conflict();
    if (user) await repo.linkUser(user.id, profile);
    else created = true;
  }
  // Disabling in Mätpunkt wins over the IdP: a disabled account is never re-enabled by signing in.
  if (user?.disabled) {
    throw forbidden('AUTH.ACCOUNT_DISABLED', 'Kontot är avstängt i Mätpunkt.', 'The account is disabled in Mätpunkt.');
  }
  // Nobody is created without access; an existing user loses every membership below, then is refused.
  if (created && memberships.length === 0) throw noMappedGroup();
  const userId = user?.id ?? (await repo.insertUser({ municipalityId, ...profile }));
  const users = new UserRepository(m);
  const before = created ? null : await users.loadActor(userId, 'session');
  const changed = await repo.replaceAllMemberships(userId, memberships);
  const actor = memberships.length > 0 ? await users.loadActor(userId, 'session') : null;
  // The change is logged as the person it concerns; removing the last membership is logged under the old ones.
  const auditActor = actor ?? (before && before.memberships.length > 0 ? before : null);
  if (auditActor && (created || changed)) {
    await recordAudit(m, { scope: scopeFor(auditActor, Permission.SelfRead), requestId }, [
      { action: created ? AuditAction.Create : AuditAction.Update, resource: `user:${userId}:memberships`, purpose: AuditPurpose.Administration },
    ]);
  }
  return { userId, actor };
}
