import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { addMonths, AuditAction, AuditPurpose, conflict, invalid, notFound } from '#domain';
import { type Actor, Permission, scopeFor, type UnitScope } from '#access';
import { recordAudit } from '#audit';
import { writeOutbox } from '#jobs';
import { EpisodeRepository, type GroupCandidateRow, type GroupMemberRow, GroupNameTakenError, GroupRepository, type GroupRow, OrgUnitRepository } from '#persistence';
import { Clock } from '../common/clock.js';
import { episodeNotFound } from '../episodes/episodes.service.js';

export interface GroupView {
  id: string;
  name: string;
  orgUnitId: string;
  orgUnitName: string;
  createdAt: Date;
}

export interface GroupMemberView {
  episodeId: string;
  clientId: string;
  /** The client's pseudonym: the only client identifier a group shows. */
  pseudonym: string;
  methodId: string;
  methodName: string;
  orgUnitId: string;
  startDate: string;
  closeDate: string | null;
  joinedOn: string;
  leftOn: string | null;
  /** In the group today: not left, or leaving later. */
  active: boolean;
}

export const groupNotFound = () => notFound('GROUP.NOT_FOUND', 'Gruppen finns inte eller du saknar behörighet.', 'The group does not exist or you do not have access.');
const unitNotFound = () => notFound('ORG_UNIT.NOT_FOUND', 'Enheten finns inte eller du saknar behörighet.', 'The unit does not exist or you do not have access.');
const memberNotFound = () =>
  notFound('GROUP.MEMBER_NOT_FOUND', 'Insatsen ingår inte i gruppen eller du saknar behörighet.', 'The intervention is not in the group or you do not have access.');
const nameTaken = () =>
  conflict('GROUP.NAME_TAKEN', 'Enheten har redan en grupp med det namnet.', 'The unit already has a group with that name.', [
    { field: 'name', sv: 'name: Enheten har redan en grupp med det namnet.', en: 'name is already used by another group of the unit.' },
  ]);
const futureDate = (field: string) =>
  invalid('DATE.IN_FUTURE', 'Datumet får inte ligga i framtiden.', 'The date must not be in the future.', [
    { field, sv: `${field}: Datumet får inte ligga i framtiden.`, en: `${field} must not be in the future.` },
  ]);

/** How far back closed episodes are offered by the web form (open ones always are). */
const CANDIDATE_CLOSED_MONTHS = 12;
const CANDIDATE_LIMIT = 500;

function groupView(g: GroupRow): GroupView {
  return { id: g.id, name: g.name, orgUnitId: g.orgUnitId, orgUnitName: g.orgUnitName, createdAt: g.createdAt };
}

/**
 * Client groups (grupper, DOMAIN.md): a named set of a unit's episodes — a treatment group, a cohort, a target group.
 * Names and units are organisation data (unit heads and admins write them, caseworkers read them); memberships tie
 * episodes, so they are client data: written by unit heads, read with client access, every access audit-logged in the
 * same transaction. Every write announces `group.changed` on the outbox, so the group's aggregates are recomputed.
 */
@Injectable()
export class GroupsService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  private async announce(m: EntityManager, scope: UnitScope, groupId: string) {
    await writeOutbox(m, scope.municipalityId, [{ topic: 'group.changed', payload: { groupId } }]);
  }

  private memberView(r: GroupMemberRow, today: string): GroupMemberView {
    return {
      episodeId: r.episodeId,
      clientId: r.clientId,
      pseudonym: r.clientPseudonym,
      methodId: r.methodId,
      methodName: r.methodName,
      orgUnitId: r.orgUnitId,
      startDate: r.startDate,
      closeDate: r.closeDate,
      joinedOn: r.joinedOn,
      leftOn: r.leftOn,
      active: r.leftOn === null || r.leftOn > today,
    };
  }

  private async auditMember(m: EntityManager, scope: UnitScope, requestId: string, action: AuditAction, rows: GroupMemberRow[]) {
    await recordAudit(
      m,
      { scope, requestId },
      rows.map((r) => ({ action, resource: 'group_membership', purpose: AuditPurpose.FollowUp, clientId: r.clientId, clientPseudonym: r.clientPseudonym, orgUnitId: r.orgUnitId })),
    );
  }

  /** The groups of the caller's units, or of one unit's subtree (404 when the unit is outside them). */
  async list(actor: Actor, q: { unitId?: string }): Promise<{ items: GroupView[] }> {
    const scope = scopeFor(actor, Permission.GroupRead);
    return this.dataSource.transaction(async (m) => {
      let underPath: string | undefined;
      if (q.unitId) {
        const unit = await new OrgUnitRepository(m).findInScope(scope, q.unitId);
        if (!unit) throw unitNotFound();
        underPath = unit.path;
      }
      return { items: (await new GroupRepository(m).listVisible(scope, { underPath })).map(groupView) };
    });
  }

  async get(actor: Actor, id: string): Promise<GroupView> {
    const scope = scopeFor(actor, Permission.GroupRead);
    const group = await new GroupRepository(this.dataSource.manager).findVisible(scope, id);
    if (!group) throw groupNotFound();
    return groupView(group);
  }

  async create(actor: Actor, requestId: string, dto: { orgUnitId: string; name: string }): Promise<GroupView> {
    const scope = scopeFor(actor, Permission.GroupAdmin);
    return this.dataSource.transaction(async (m) => {
      if (!(await new OrgUnitRepository(m).findInScope(scope, dto.orgUnitId))) throw unitNotFound();
      const groups = new GroupRepository(m);
      const id = await groups.insert(scope, { orgUnitId: dto.orgUnitId, name: dto.name });
      if (!id) throw nameTaken();
      await this.announce(m, scope, id);
      await recordAudit(m, { scope, requestId }, [{ action: AuditAction.Create, resource: `group:${id}`, purpose: AuditPurpose.Administration, orgUnitId: dto.orgUnitId }]);
      return groupView((await groups.findVisible(scope, id))!);
    });
  }

  async rename(actor: Actor, requestId: string, id: string, dto: { name: string }): Promise<GroupView> {
    const scope = scopeFor(actor, Permission.GroupAdmin);
    return this.dataSource.transaction(async (m) => {
      const groups = new GroupRepository(m);
      const group = await groups.findVisible(scope, id, { forUpdate: true });
      if (!group) throw groupNotFound();
      if (await groups.nameTaken(scope, group.orgUnitId, dto.name, id)) throw nameTaken();
      try {
        await groups.rename(scope, id, dto.name);
      } catch (e) {
        if (e instanceof GroupNameTakenError) throw nameTaken();
        throw e;
      }
      await this.announce(m, scope, id);
      await recordAudit(m, { scope, requestId }, [{ action: AuditAction.Update, resource: `group:${id}`, purpose: AuditPurpose.Administration, orgUnitId: group.orgUnitId }]);
      return groupView((await groups.findVisible(scope, id))!);
    });
  }

  /** The members (pseudonyms) whose episodes lie in the caller's units: one audit row per member shown. */
  async listMembers(actor: Actor, requestId: string, id: string): Promise<{ group: GroupView; items: GroupMemberView[] }> {
    const scope = scopeFor(actor, Permission.ClientRead);
    const today = this.clock.today();
    return this.dataSource.transaction(async (m) => {
      const groups = new GroupRepository(m);
      const group = await groups.findVisible(scope, id);
      if (!group) throw groupNotFound();
      const rows = await groups.listMembers(scope, id);
      await this.auditMember(m, scope, requestId, AuditAction.List, rows);
      return { group: groupView(group), items: rows.map((r) => this.memberView(r, today)) };
    });
  }

  /**
   * Adds an episode to a group: the episode must be in the caller's units and in the group's unit or below it (so in
   * the same municipality), joined on a day inside the episode's period and not in the future.
   */
  async addMember(actor: Actor, requestId: string, id: string, dto: { episodeId: string; joinedOn: string }): Promise<GroupMemberView> {
    const scope = scopeFor(actor, Permission.GroupMemberWrite);
    const today = this.clock.today();
    return this.dataSource.transaction(async (m) => {
      const groups = new GroupRepository(m);
      const group = await groups.findVisible(scope, id, { forUpdate: true });
      if (!group) throw groupNotFound();
      const episode = await new EpisodeRepository(m).findVisible(scope, dto.episodeId);
      if (!episode) throw episodeNotFound();
      const unit = await new OrgUnitRepository(m).findInScope(scope, episode.orgUnitId);
      if (!unit || !unit.path.startsWith(group.orgUnitPath)) {
        throw invalid('GROUP.EPISODE_OUTSIDE_UNIT', 'Insatsen ges inte i gruppens enhet eller en enhet under den.', 'The intervention is not given in the group’s unit or a unit below it.', [
          { field: 'episodeId', sv: 'episodeId: Insatsen ligger utanför gruppens enhet.', en: 'episodeId is outside the group’s unit.' },
        ]);
      }
      if (dto.joinedOn > today) throw futureDate('joinedOn');
      if (dto.joinedOn < episode.startDate || (episode.closeDate !== null && dto.joinedOn > episode.closeDate)) {
        throw invalid('GROUP.JOINED_OUTSIDE_EPISODE', 'Datumet ligger utanför insatsens period.', 'The date is outside the intervention period.', [
          {
            field: 'joinedOn',
            sv: `joinedOn: Måste ligga mellan insatsens start (${episode.startDate}) och ${episode.closeDate ? `slut (${episode.closeDate})` : 'i dag'}.`,
            en: `joinedOn must lie between the intervention's start (${episode.startDate}) and ${episode.closeDate ? `its close (${episode.closeDate})` : 'today'}.`,
          },
        ]);
      }
      if (!(await groups.insertMember(id, episode.id, dto.joinedOn))) {
        throw conflict('GROUP.ALREADY_MEMBER', 'Insatsen ingår redan i gruppen (eller har gjort det).', 'The intervention is (or was) already in the group.', [
          { field: 'episodeId', sv: 'episodeId: Ingår redan i gruppen.', en: 'episodeId is already in the group.' },
        ]);
      }
      const member = (await groups.findMember(scope, id, episode.id))!;
      await this.announce(m, scope, id);
      await this.auditMember(m, scope, requestId, AuditAction.Create, [member]);
      return this.memberView(member, today);
    });
  }

  /** Ends a membership on `leftOn` (on or after joining, not in the future); a later call corrects the date. */
  async endMember(actor: Actor, requestId: string, id: string, episodeId: string, dto: { leftOn: string }): Promise<GroupMemberView> {
    const scope = scopeFor(actor, Permission.GroupMemberWrite);
    const today = this.clock.today();
    return this.dataSource.transaction(async (m) => {
      const groups = new GroupRepository(m);
      const group = await groups.findVisible(scope, id, { forUpdate: true });
      if (!group) throw groupNotFound();
      const member = await groups.findMember(scope, id, episodeId, { forUpdate: true });
      if (!member) throw memberNotFound();
      if (dto.leftOn > today) throw futureDate('leftOn');
      if (dto.leftOn < member.joinedOn) {
        throw invalid('GROUP.LEFT_BEFORE_JOINED', 'Slutdatum kan inte vara före datumet då brukaren gick med i gruppen.', 'The leaving date cannot be before the joining date.', [
          { field: 'leftOn', sv: `leftOn: Före ${member.joinedOn}, då brukaren gick med.`, en: `leftOn is before ${member.joinedOn}, when the client joined.` },
        ]);
      }
      await groups.endMember(id, episodeId, dto.leftOn);
      const ended = (await groups.findMember(scope, id, episodeId))!;
      await this.announce(m, scope, id);
      await this.auditMember(m, scope, requestId, AuditAction.Update, [ended]);
      return this.memberView(ended, today);
    });
  }

  /**
   * Episodes the web form offers to add: in the caller's units and the group's subtree, not members yet, open or
   * closed within the last year. A read of client data (pseudonyms): one audit row per episode listed.
   */
  async listCandidates(actor: Actor, requestId: string, id: string): Promise<GroupCandidateRow[]> {
    const scope = scopeFor(actor, Permission.GroupMemberWrite);
    return this.dataSource.transaction(async (m) => {
      const groups = new GroupRepository(m);
      const group = await groups.findVisible(scope, id);
      if (!group) throw groupNotFound();
      const rows = await groups.listCandidates(scope, group, addMonths(this.clock.today(), -CANDIDATE_CLOSED_MONTHS), CANDIDATE_LIMIT);
      await recordAudit(
        m,
        { scope, requestId },
        rows.map((r) => ({ action: AuditAction.List, resource: 'episode', purpose: AuditPurpose.FollowUp, clientId: r.clientId, clientPseudonym: r.clientPseudonym, orgUnitId: r.orgUnitId })),
      );
      return rows;
    });
  }
}
