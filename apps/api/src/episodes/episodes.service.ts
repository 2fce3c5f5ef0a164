import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  AuditAction,
  AuditPurpose,
  conflict,
  type EpisodeCloseReason,
  invalid,
  notFound,
  OccasionKind,
  OccasionState,
  plannedOccasion,
  scheduleFor,
  TERMINAL_OCCASION_STATES,
  timeState,
  unprocessable,
} from '#domain';
import { type Actor, Permission, scopeFor, type UnitScope } from '#access';
import { recordAudit } from '#audit';
import { writeOutbox } from '#jobs';
import { ClientRepository, EpisodeRepository, type EpisodeRow, MethodRepository, type OccasionRow, OrgUnitRepository } from '#persistence';
import { Clock } from '../common/clock.js';

export interface EpisodeView extends EpisodeRow {
  occasions: OccasionRow[];
}

export const episodeNotFound = () =>
  notFound('EPISODE.NOT_FOUND', 'Insatsen finns inte eller du saknar behörighet.', 'The intervention does not exist or you do not have access.');
const occasionNotFound = () =>
  notFound('OCCASION.NOT_FOUND', 'Mättillfället finns inte eller du saknar behörighet.', 'The occasion does not exist or you do not have access.');
const futureDate = (field: string) =>
  invalid('DATE.IN_FUTURE', 'Datumet får inte ligga i framtiden.', 'The date must not be in the future.', [
    { field, sv: `${field}: Datumet får inte ligga i framtiden.`, en: `${field} must not be in the future.` },
  ]);

/** Episodes (insatser) and their schedules; every read and write is audited with the client's pseudonym. */
@Injectable()
export class EpisodesService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  private async audit(m: EntityManager, scope: UnitScope, requestId: string, action: AuditAction, e: EpisodeRow, resource = 'episode') {
    await recordAudit(m, { scope, requestId }, [
      { action, resource, purpose: AuditPurpose.FollowUp, clientId: e.clientId, clientPseudonym: e.clientPseudonym, orgUnitId: e.orgUnitId },
    ]);
  }

  private async view(m: EntityManager, e: EpisodeRow): Promise<EpisodeView> {
    return { ...e, occasions: await new EpisodeRepository(m).listOccasions(e.id) };
  }

  async start(
    actor: Actor,
    requestId: string,
    dto: { clientId: string; methodId: string; orgUnitId: string; caseworkerUserId: string; startDate: string },
  ): Promise<EpisodeView> {
    const scope = scopeFor(actor, Permission.ClientWrite);
    const today = this.clock.today();
    if (dto.startDate > today) throw futureDate('startDate');
    return this.dataSource.transaction(async (m) => {
      const client = await new ClientRepository(m).findVisibleById(scope, dto.clientId);
      if (!client) throw notFound('CLIENT.NOT_FOUND', 'Brukaren finns inte eller du saknar behörighet.', 'The client does not exist or you do not have access.');
      const unit = await new OrgUnitRepository(m).findInScope(scope, dto.orgUnitId);
      if (!unit) throw notFound('ORG_UNIT.NOT_FOUND', 'Enheten finns inte eller du saknar behörighet.', 'The unit does not exist or you do not have access.');
      const [method] = await new MethodRepository(m).listMethods(scope.municipalityId, dto.methodId);
      if (!method) throw notFound('METHOD.NOT_FOUND', 'Arbetssättet finns inte.', 'The method does not exist.');
      if (!method.plan) {
        throw unprocessable('METHOD.NO_PLAN', 'Arbetssättet saknar mätplan. Be en administratör lägga till en.', 'The method has no measurement plan. Ask an administrator to add one.');
      }
      const episodes = new EpisodeRepository(m);
      if (!(await episodes.isEligibleCaseworker(scope, dto.caseworkerUserId, unit.id))) {
        throw invalid('EPISODE.CASEWORKER_NOT_ELIGIBLE', 'Den ansvariga måste vara handläggare eller enhetschef i enheten.', 'The responsible person must be a caseworker or unit head of the unit.', [
          { field: 'caseworkerUserId', sv: 'caseworkerUserId: Inte handläggare i enheten.', en: 'caseworkerUserId is not a caseworker of the unit.' },
        ]);
      }
      const open = (await episodes.listVisibleForClient(scope, client.id)).find((e) => e.methodId === method.id && e.closeDate === null);
      if (open) {
        throw conflict('EPISODE.ALREADY_OPEN', 'Brukaren har redan en pågående insats med detta arbetssätt.', 'The client already has an open intervention with this method.');
      }
      const id = await episodes.insert(scope, { clientId: client.id, methodId: method.id, orgUnitId: unit.id, planId: method.plan.id, caseworkerUserId: dto.caseworkerUserId, startDate: dto.startDate });
      const planned = scheduleFor({ startDate: dto.startDate, closeDate: null }, method.plan, today);
      await episodes.insertOccasions(scope.municipalityId, id, planned.map((p) => ({ ...p, state: timeState(p, today) })));
      const episode = (await episodes.findVisible(scope, id))!;
      await writeOutbox(m, scope.municipalityId, [{ topic: 'episode.changed', payload: { episodeId: id, clientId: client.id } }]);
      await this.audit(m, scope, requestId, AuditAction.Create, episode);
      return this.view(m, episode);
    });
  }

  async get(actor: Actor, requestId: string, id: string): Promise<EpisodeView> {
    const scope = scopeFor(actor, Permission.ClientRead);
    return this.dataSource.transaction(async (m) => {
      const episode = await new EpisodeRepository(m).findVisible(scope, id);
      if (!episode) throw episodeNotFound();
      await this.audit(m, scope, requestId, AuditAction.Read, episode);
      return this.view(m, episode);
    });
  }

  async listForClient(actor: Actor, requestId: string, clientId: string): Promise<EpisodeView[]> {
    const scope = scopeFor(actor, Permission.ClientRead);
    return this.dataSource.transaction(async (m) => {
      const client = await new ClientRepository(m).findVisibleById(scope, clientId);
      if (!client) throw notFound('CLIENT.NOT_FOUND', 'Brukaren finns inte eller du saknar behörighet.', 'The client does not exist or you do not have access.');
      const episodes = await new EpisodeRepository(m).listVisibleForClient(scope, clientId);
      await recordAudit(m, { scope, requestId }, [
        { action: AuditAction.List, resource: 'episode', purpose: AuditPurpose.FollowUp, clientId: client.id, clientPseudonym: client.pseudonym, orgUnitId: client.homeUnitId },
      ]);
      return Promise.all(episodes.map((e) => this.view(m, e)));
    });
  }

  /** Closing cancels follow-ups from the close date on and makes the close occasion due (DOMAIN.md). */
  async close(actor: Actor, requestId: string, id: string, dto: { closeDate: string; reason: EpisodeCloseReason }): Promise<EpisodeView> {
    const scope = scopeFor(actor, Permission.ClientWrite);
    const today = this.clock.today();
    if (dto.closeDate > today) throw futureDate('closeDate');
    return this.dataSource.transaction(async (m) => {
      const episodes = new EpisodeRepository(m);
      const episode = await episodes.findVisible(scope, id, { forUpdate: true });
      if (!episode) throw episodeNotFound();
      if (episode.closeDate) throw conflict('EPISODE.ALREADY_CLOSED', 'Insatsen är redan avslutad.', 'The intervention is already closed.');
      if (dto.closeDate < episode.startDate) {
        throw invalid('EPISODE.CLOSE_BEFORE_START', 'Slutdatum kan inte vara före startdatum.', 'The close date cannot be before the start date.', [
          { field: 'closeDate', sv: 'closeDate: Före startdatum.', en: 'closeDate is before the start date.' },
        ]);
      }
      const plan = (await new MethodRepository(m).findPlan(episode.planId))!;
      await episodes.cancelFollowUpsFrom(id, dto.closeDate);
      await episodes.close(scope, id, dto.closeDate, dto.reason);
      const close = plannedOccasion(OccasionKind.Close, 0, dto.closeDate, plan);
      await episodes.insertOccasions(scope.municipalityId, id, [{ ...close, state: timeState(close, today) === OccasionState.Planned ? OccasionState.Due : timeState(close, today) }]);
      const closed = (await episodes.findVisible(scope, id))!;
      await writeOutbox(m, scope.municipalityId, [{ topic: 'episode.changed', payload: { episodeId: id, clientId: episode.clientId } }]);
      await this.audit(m, scope, requestId, AuditAction.Update, closed);
      return this.view(m, closed);
    });
  }

  async addExtraOccasion(actor: Actor, requestId: string, id: string, dto: { dueDate: string }): Promise<EpisodeView> {
    const scope = scopeFor(actor, Permission.ClientWrite);
    const today = this.clock.today();
    return this.dataSource.transaction(async (m) => {
      const episodes = new EpisodeRepository(m);
      const episode = await episodes.findVisible(scope, id, { forUpdate: true });
      if (!episode) throw episodeNotFound();
      if (dto.dueDate < episode.startDate || (episode.closeDate && dto.dueDate > episode.closeDate)) {
        throw invalid('OCCASION.OUTSIDE_EPISODE', 'Datumet ligger utanför insatsens period.', 'The date is outside the intervention period.', [
          { field: 'dueDate', sv: 'dueDate: Utanför insatsens period.', en: 'dueDate is outside the intervention period.' },
        ]);
      }
      const plan = (await new MethodRepository(m).findPlan(episode.planId))!;
      const extra = plannedOccasion(OccasionKind.Extra, await episodes.nextExtraSeq(id), dto.dueDate, plan);
      await episodes.insertOccasions(scope.municipalityId, id, [{ ...extra, state: timeState(extra, today) }]);
      await writeOutbox(m, scope.municipalityId, [{ topic: 'episode.changed', payload: { episodeId: id, clientId: episode.clientId } }]);
      await this.audit(m, scope, requestId, AuditAction.Update, episode);
      return this.view(m, episode);
    });
  }

  async markMissed(actor: Actor, requestId: string, occasionId: string, reason: string): Promise<OccasionRow> {
    const scope = scopeFor(actor, Permission.ClientWrite);
    return this.dataSource.transaction(async (m) => {
      const episodes = new EpisodeRepository(m);
      const occasion = await episodes.findVisibleOccasion(scope, occasionId, { forUpdate: true });
      if (!occasion) throw occasionNotFound();
      if (TERMINAL_OCCASION_STATES.includes(occasion.state)) {
        throw conflict('OCCASION.NOT_OPEN', 'Mättillfället är redan genomfört, missat eller inställt.', 'The occasion is already done, missed or cancelled.');
      }
      await episodes.markMissed(occasionId, reason);
      await writeOutbox(m, scope.municipalityId, [{ topic: 'episode.changed', payload: { episodeId: occasion.episodeId, clientId: occasion.episode.clientId } }]);
      await this.audit(m, scope, requestId, AuditAction.Update, occasion.episode, 'occasion');
      return (await episodes.listOccasions(occasion.episodeId)).find((o) => o.id === occasionId)!;
    });
  }
}
