import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditAction, AuditPurpose, conflict, invalid, notFound, type OrgUnitKind, type Role } from '#domain';
import { type Actor, hashPassword, Permission, scopeFor, type UnitScope } from '#access';
import { recordAudit } from '#audit';
import { OrgUnitRepository, type OrgUnitRow, UserAdminRepository, type UserAdminRow } from '#persistence';

const userNotFound = () => notFound('USER.NOT_FOUND', 'Användaren finns inte eller du saknar behörighet.', 'The user does not exist or you do not have access.');

/** Users, roles, memberships and the org tree, within the admin's units. Every change is audit-logged. */
@Injectable()
export class AdminService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  private async checkUnits(m: EntityManager, scope: UnitScope, memberships: { unitId: string; role: Role }[]) {
    const units = new OrgUnitRepository(m);
    const errors = [];
    for (const [i, ms] of memberships.entries()) {
      if (!(await units.findInScope(scope, ms.unitId))) {
        errors.push({ field: `memberships[${i}].unitId`, sv: 'Enheten finns inte inom dina enheter.', en: 'The unit is not within your units.' });
      }
    }
    if (errors.length) throw invalid('MEMBERSHIP.UNIT_OUT_OF_SCOPE', 'Några enheter ligger utanför dina enheter.', 'Some units are outside your units.', errors);
  }

  private audit(m: EntityManager, scope: UnitScope, requestId: string, action: AuditAction, resource: string) {
    return recordAudit(m, { scope, requestId }, [{ action, resource, purpose: AuditPurpose.Administration }]);
  }

  async listUsers(actor: Actor): Promise<UserAdminRow[]> {
    const scope = scopeFor(actor, Permission.UserAdmin);
    return this.dataSource.transaction((m) => new UserAdminRepository(m).list(scope));
  }

  async createUser(actor: Actor, requestId: string, dto: { username: string; displayName: string; password?: string; memberships: { unitId: string; role: Role }[] }): Promise<UserAdminRow> {
    const scope = scopeFor(actor, Permission.UserAdmin);
    const passwordHash = dto.password ? await hashPassword(dto.password) : null;
    return this.dataSource.transaction(async (m) => {
      await this.checkUnits(m, scope, dto.memberships);
      const users = new UserAdminRepository(m);
      const id = await users.insert(scope, { username: dto.username, displayName: dto.displayName, passwordHash });
      if (!id) throw conflict('USER.USERNAME_TAKEN', 'Användarnamnet är upptaget.', 'The username is taken.', [{ field: 'username', sv: 'username: Upptaget.', en: 'username is taken.' }]);
      await users.replaceMemberships(scope, id, dto.memberships);
      await this.audit(m, scope, requestId, AuditAction.Create, `user:${id}`);
      return (await users.list(scope, id))[0]!;
    });
  }

  async updateUser(actor: Actor, requestId: string, id: string, dto: { displayName?: string; disabled?: boolean; password?: string }): Promise<UserAdminRow> {
    const scope = scopeFor(actor, Permission.UserAdmin);
    if (dto.disabled && id === actor.userId) {
      throw invalid('USER.CANNOT_DISABLE_SELF', 'Du kan inte stänga av ditt eget konto.', 'You cannot disable your own account.', [{ field: 'disabled', sv: 'disabled: Eget konto.', en: 'disabled: your own account.' }]);
    }
    const passwordHash = dto.password ? await hashPassword(dto.password) : undefined;
    return this.dataSource.transaction(async (m) => {
      const users = new UserAdminRepository(m);
      if (!(await users.list(scope, id))[0]) throw userNotFound();
      await users.update(scope, id, { displayName: dto.displayName, disabled: dto.disabled, passwordHash });
      if (dto.disabled || passwordHash) await users.revokeSessions(id);
      await this.audit(m, scope, requestId, AuditAction.Update, `user:${id}`);
      return (await users.list(scope, id))[0]!;
    });
  }

  async replaceMemberships(actor: Actor, requestId: string, id: string, memberships: { unitId: string; role: Role }[]): Promise<UserAdminRow> {
    const scope = scopeFor(actor, Permission.UserAdmin);
    return this.dataSource.transaction(async (m) => {
      const users = new UserAdminRepository(m);
      if (!(await users.list(scope, id))[0]) throw userNotFound();
      await this.checkUnits(m, scope, memberships);
      await users.replaceMemberships(scope, id, memberships);
      await this.audit(m, scope, requestId, AuditAction.Update, `user:${id}:memberships`);
      return (await users.list(scope, id))[0]!;
    });
  }

  async createOrgUnit(actor: Actor, requestId: string, dto: { parentId: string; kind: OrgUnitKind; code: string; name: string }): Promise<OrgUnitRow> {
    const scope = scopeFor(actor, Permission.UserAdmin);
    return this.dataSource.transaction(async (m) => {
      const units = new OrgUnitRepository(m);
      if (!(await units.findInScope(scope, dto.parentId))) {
        throw notFound('ORG_UNIT.NOT_FOUND', 'Enheten finns inte eller du saknar behörighet.', 'The unit does not exist or you do not have access.');
      }
      const taken = await m.query(`SELECT 1 FROM org_unit WHERE municipality_id = $1 AND code = $2`, [scope.municipalityId, dto.code]);
      if (taken.length) throw conflict('ORG_UNIT.CODE_TAKEN', 'Enhetskoden används redan.', 'The unit code is already in use.', [{ field: 'code', sv: 'code: Används redan.', en: 'code is in use.' }]);
      const unit = await units.create(scope.municipalityId, dto);
      await this.audit(m, scope, requestId, AuditAction.Create, `org_unit:${unit.id}`);
      return unit;
    });
  }
}
