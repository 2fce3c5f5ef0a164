import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditAction, AuditPurpose, conflict, notFound, parseIdentityNumber, Sex } from '#domain';
import { Permission, scopeFor, type Actor, type UnitScope } from '#access';
import { recordAudit } from '#audit';
import { getConfig } from '#config';
import { writeOutbox } from '#jobs';
import { ClientRepository, IdentityCrypto, OrgUnitRepository, type ClientRow } from '#persistence';

export interface ClientView {
  id: string;
  pseudonym: string;
  homeUnitId: string;
  birthYear: number | null;
  sex: Sex;
  hasIdentityNumber: boolean;
  createdAt: string;
  updatedAt: string;
}

function view(c: ClientRow): ClientView {
  return {
    id: c.id,
    pseudonym: c.pseudonym,
    homeUnitId: c.homeUnitId,
    birthYear: c.birthYear,
    sex: c.sex,
    hasIdentityNumber: c.identityKind !== null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

const clientNotFound = () => notFound('CLIENT.NOT_FOUND', 'Brukaren finns inte eller du saknar behörighet.', 'The client does not exist or you do not have access.');

/** Clients within the actor's units; every read and write leaves an audit event in the same transaction. */
@Injectable()
export class ClientsService {
  private readonly crypto: IdentityCrypto;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    const { pii } = getConfig();
    this.crypto = new IdentityCrypto(pii.encryptionKey, pii.indexKey);
  }

  private identity(scope: UnitScope, input: string, field: string) {
    const id = parseIdentityNumber(input, field);
    return {
      parsed: id,
      identityKind: id.kind,
      identityCiphertext: this.crypto.encrypt(scope.municipalityId, id.normalized),
      identityBlindIndex: this.crypto.blindIndex(scope.municipalityId, id.normalized),
    };
  }

  private async ensureIdentityFree(m: EntityManager, scope: UnitScope, blindIndex: string) {
    if (await new ClientRepository(m).existsByBlindIndex(scope.municipalityId, blindIndex)) {
      throw conflict(
        'CLIENT.IDENTITY_EXISTS',
        'Personnumret är redan registrerat i kommunen. Kontakta enhetschefen för åtkomst.',
        'The identity number is already registered in the municipality. Ask your unit head for access.',
        [{ field: 'personalIdentityNumber', sv: 'Redan registrerat.', en: 'Already registered.' }],
      );
    }
  }

  async register(
    actor: Actor,
    requestId: string,
    dto: { homeUnitId: string; personalIdentityNumber?: string; birthYear?: number; sex?: Sex },
  ): Promise<ClientView> {
    const scope = scopeFor(actor, Permission.ClientWrite);
    const identity = dto.personalIdentityNumber ? this.identity(scope, dto.personalIdentityNumber, 'personalIdentityNumber') : null;
    return this.dataSource.transaction(async (m) => {
      const unit = await new OrgUnitRepository(m).findInScope(scope, dto.homeUnitId);
      if (!unit) {
        throw notFound('ORG_UNIT.NOT_FOUND', 'Enheten finns inte eller du saknar behörighet.', 'The unit does not exist or you do not have access.');
      }
      if (identity) await this.ensureIdentityFree(m, scope, identity.identityBlindIndex);
      const clients = new ClientRepository(m);
      const client = await clients.insert(scope, {
        pseudonym: await clients.nextPseudonym(scope),
        homeUnitId: unit.id,
        birthYear: dto.birthYear ?? identity?.parsed.birthYear ?? null,
        sex: dto.sex ?? (identity ? (identity.parsed.legalSex as Sex) : Sex.Unknown),
        identityKind: identity?.identityKind ?? null,
        identityCiphertext: identity?.identityCiphertext ?? null,
        identityBlindIndex: identity?.identityBlindIndex ?? null,
      });
      await writeOutbox(m, scope.municipalityId, [{ topic: 'client.changed', payload: { clientId: client.id } }]);
      await recordAudit(m, { scope, requestId }, [
        { action: AuditAction.Create, resource: 'client', purpose: AuditPurpose.Casework, clientId: client.id, clientPseudonym: client.pseudonym, orgUnitId: unit.id },
      ]);
      return view(client);
    });
  }

  async get(actor: Actor, requestId: string, id: string): Promise<ClientView> {
    const scope = scopeFor(actor, Permission.ClientRead);
    return this.dataSource.transaction(async (m) => {
      const client = await new ClientRepository(m).findVisibleById(scope, id);
      if (!client) throw clientNotFound();
      await recordAudit(m, { scope, requestId }, [
        { action: AuditAction.Read, resource: 'client', purpose: AuditPurpose.Casework, clientId: client.id, clientPseudonym: client.pseudonym, orgUnitId: client.homeUnitId },
      ]);
      return view(client);
    });
  }

  /** The decrypted identity number, as its own audited resource (shown on demand, not with every read). */
  async getIdentity(actor: Actor, requestId: string, id: string): Promise<{ kind: string | null; personalIdentityNumber: string | null }> {
    const scope = scopeFor(actor, Permission.ClientRead);
    return this.dataSource.transaction(async (m) => {
      const client = await new ClientRepository(m).findVisibleById(scope, id);
      if (!client) throw clientNotFound();
      await recordAudit(m, { scope, requestId }, [
        { action: AuditAction.Read, resource: 'client.identity', purpose: AuditPurpose.Casework, clientId: client.id, clientPseudonym: client.pseudonym, orgUnitId: client.homeUnitId },
      ]);
      if (!client.identityCiphertext) return { kind: null, personalIdentityNumber: null };
      const n = this.crypto.decrypt(scope.municipalityId, client.identityCiphertext);
      return { kind: client.identityKind, personalIdentityNumber: `${n.slice(0, 8)}-${n.slice(8)}` };
    });
  }

  async findByIdentityNumber(actor: Actor, requestId: string, input: string): Promise<ClientView> {
    const scope = scopeFor(actor, Permission.ClientSearch);
    const identity = parseIdentityNumber(input, 'personalIdentityNumber');
    const blindIndex = this.crypto.blindIndex(scope.municipalityId, identity.normalized);
    return this.dataSource.transaction(async (m) => {
      const client = await new ClientRepository(m).findVisibleByBlindIndex(scope, blindIndex);
      if (!client) throw clientNotFound();
      await recordAudit(m, { scope, requestId }, [
        { action: AuditAction.Search, resource: 'client', purpose: AuditPurpose.Casework, clientId: client.id, clientPseudonym: client.pseudonym, orgUnitId: client.homeUnitId },
      ]);
      return view(client);
    });
  }

  async list(actor: Actor, requestId: string, q: { after?: string; limit?: number; unitId?: string }): Promise<{ items: ClientView[]; next: string | null }> {
    const scope = scopeFor(actor, Permission.ClientRead);
    const limit = q.limit ?? 50;
    return this.dataSource.transaction(async (m) => {
      const rows = await new ClientRepository(m).listVisible(scope, { after: q.after, limit, unitId: q.unitId });
      await recordAudit(
        m,
        { scope, requestId },
        rows.map((c) => ({ action: AuditAction.List, resource: 'client', purpose: AuditPurpose.Casework, clientId: c.id, clientPseudonym: c.pseudonym, orgUnitId: c.homeUnitId })),
      );
      return { items: rows.map(view), next: rows.length === limit ? rows[rows.length - 1]!.pseudonym : null };
    });
  }

  async update(
    actor: Actor,
    requestId: string,
    id: string,
    dto: { personalIdentityNumber?: string; birthYear?: number; sex?: Sex },
  ): Promise<ClientView> {
    const scope = scopeFor(actor, Permission.ClientWrite);
    const identity = dto.personalIdentityNumber ? this.identity(scope, dto.personalIdentityNumber, 'personalIdentityNumber') : null;
    return this.dataSource.transaction(async (m) => {
      const clients = new ClientRepository(m);
      const existing = await clients.findVisibleById(scope, id);
      if (!existing) throw clientNotFound();
      if (identity) {
        const same = await clients.findVisibleByBlindIndex(scope, identity.identityBlindIndex);
        if (!same || same.id !== id) await this.ensureIdentityFree(m, scope, identity.identityBlindIndex);
      }
      const client = await clients.update(scope, id, {
        birthYear: dto.birthYear,
        sex: dto.sex,
        identityKind: identity?.identityKind,
        identityCiphertext: identity?.identityCiphertext,
        identityBlindIndex: identity?.identityBlindIndex,
      });
      if (!client) throw clientNotFound();
      await writeOutbox(m, scope.municipalityId, [{ topic: 'client.changed', payload: { clientId: client.id } }]);
      await recordAudit(m, { scope, requestId }, [
        { action: AuditAction.Update, resource: 'client', purpose: AuditPurpose.Casework, clientId: client.id, clientPseudonym: client.pseudonym, orgUnitId: client.homeUnitId },
      ]);
      return view(client);
    });
  }
}
