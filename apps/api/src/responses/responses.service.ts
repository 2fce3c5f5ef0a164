import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  AuditAction,
  AuditPurpose,
  conflict,
  type FieldError,
  invalid,
  type IsoDate,
  notFound,
  OccasionKind,
  OccasionState,
  type Respondent,
  type ResponseMode,
  unprocessable,
} from '#domain';
import { type Actor, Permission, scopeFor, type UnitScope } from '#access';
import { recordAudit } from '#audit';
import { type Answers, type InstrumentDefinition, type ScoreOptions, scoreResponse, validateAnswers } from '#instruments';
import { writeOutbox } from '#jobs';
import {
  ClientRepository,
  EpisodeRepository,
  type EpisodeRow,
  InstrumentRepository,
  type InstrumentVersionRow,
  MethodRepository,
  type OccasionRow,
  type PlanRow,
  ResponseRepository,
} from '#persistence';
import { Clock } from '../common/clock.js';
import { type IdempotencyRequest, IdempotencyService, type IdempotentOutcome } from '../common/idempotency.js';
import { loadResponseViews, type OccasionSummary, responseNotFound, type ResponseView, summarizeOccasion, toStoredAnswers, toStoredScores } from './response-view.js';

export interface RecordedResponseView extends ResponseView {
  occasion: OccasionSummary;
}

const occasionNotFound = () =>
  notFound('OCCASION.NOT_FOUND', 'Mättillfället finns inte eller du saknar behörighet.', 'The occasion does not exist or you do not have access.');
const alreadyRecorded = () =>
  conflict(
    'RESPONSE.ALREADY_RECORDED',
    'Formuläret är redan registrerat vid detta mättillfälle. Gör en rättelse i stället.',
    'The instrument is already recorded at this occasion. Make a correction instead.',
  );
const invalidResponse = (fields: FieldError[]) =>
  invalid('RESPONSE.INVALID', 'Svaret har felaktiga uppgifter.', 'The response has invalid fields.', fields);

/** The answer date must lie within the intervention and not in the future. */
function answeredOnErrors(answeredOn: IsoDate, episode: EpisodeRow, today: IsoDate): FieldError[] {
  const error = (sv: string, en: string) => [{ field: 'answeredOn', sv: `answeredOn: ${sv}`, en: `answeredOn ${en}` }];
  if (answeredOn > today) return error('Datumet får inte ligga i framtiden.', 'must not be in the future.');
  if (answeredOn < episode.startDate) return error(`Före insatsens start (${episode.startDate}).`, `is before the start of the intervention (${episode.startDate}).`);
  if (episode.closeDate && answeredOn > episode.closeDate) {
    return error(`Efter insatsens avslut (${episode.closeDate}).`, `is after the close of the intervention (${episode.closeDate}).`);
  }
  return [];
}

function answerErrors(def: InstrumentDefinition, answers: Answers): FieldError[] {
  return validateAnswers(def, answers).map((e) => ({ field: e.field, sv: `${e.field}: ${e.sv}`, en: `${e.field}: ${e.en}` }));
}

/** Instruments the plan names for an occasion kind (an extra occasion may use any of the plan's instruments). */
function planInstruments(plan: PlanRow, kind: OccasionKind, purpose: 'allowed' | 'required'): Map<string, string> {
  const all = purpose === 'allowed' && kind === OccasionKind.Extra;
  return new Map(plan.instruments.filter((i) => all || i.occasionKind === kind).map((i) => [i.instrumentId, i.code]));
}

/**
 * Recording and correcting questionnaire responses. Each write is one transaction: the response, its answers
 * and scale scores, the occasion's state, an outbox row for aggregation and the audit row.
 */
@Injectable()
export class ResponsesService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(IdempotencyService) private readonly idempotency: IdempotencyService,
  ) {}

  async record(
    actor: Actor,
    requestId: string,
    occasionId: string,
    dto: { instrumentCode: string; instrumentVersion?: number; answeredOn: IsoDate; respondent: Respondent; mode: ResponseMode; answers: Answers },
    idem: IdempotencyRequest,
  ): Promise<IdempotentOutcome<RecordedResponseView>> {
    const scope = scopeFor(actor, Permission.ClientWrite);
    const today = this.clock.today();
    return this.idempotency.execute<RecordedResponseView>(actor, idem, dto, { status: 201, onReplay: (m, body) => this.auditReplay(m, scope, requestId, body) }, async (m) => {
      // The occasion lock serialises every write at the occasion: the duplicate check and "done" see each other.
      const occasion = await new EpisodeRepository(m).findVisibleOccasion(scope, occasionId, { forUpdate: true });
      if (!occasion) throw occasionNotFound();
      if (occasion.state === OccasionState.Missed || occasion.state === OccasionState.Cancelled) {
        throw conflict(
          'RESPONSE.OCCASION_CLOSED',
          'Mättillfället är missat eller inställt; svar kan inte registreras där.',
          'The occasion is missed or cancelled; responses cannot be recorded at it.',
        );
      }
      const plan = (await new MethodRepository(m).findPlan(occasion.episode.planId))!;
      const version = await this.resolveInstrument(m, scope, plan, occasion.kind, dto.instrumentCode, dto.instrumentVersion);
      const fields = [...answeredOnErrors(dto.answeredOn, occasion.episode, today), ...answerErrors(version.definition, dto.answers)];
      if (fields.length > 0) throw invalidResponse(fields);

      const responses = new ResponseRepository(m);
      if (await responses.findCurrentId(occasion.id, version.instrumentId)) throw alreadyRecorded();
      const scores = scoreResponse(version.definition, dto.answers, { sex: await this.clientSex(m, scope, occasion.episode.clientId) });
      const id = await responses.insert(scope, {
        occasionId: occasion.id,
        episodeId: occasion.episodeId,
        clientId: occasion.episode.clientId,
        instrumentId: version.instrumentId,
        instrumentVersionId: version.versionId,
        answeredOn: dto.answeredOn,
        respondent: dto.respondent,
        mode: dto.mode,
        recordedBy: actor.userId,
      });
      if (!id) throw alreadyRecorded();
      return this.finishWrite(m, scope, requestId, id, occasion, plan, AuditAction.Create, dto.answers, version.definition, scores);
    });
  }

  /** A new revision that replaces the current one (which stays readable in the history), rescored. */
  async correct(
    actor: Actor,
    requestId: string,
    responseId: string,
    dto: { reason: string; answers: Answers; answeredOn?: IsoDate; respondent?: Respondent; mode?: ResponseMode },
    idem: IdempotencyRequest,
  ): Promise<IdempotentOutcome<RecordedResponseView>> {
    const scope = scopeFor(actor, Permission.ClientWrite);
    const today = this.clock.today();
    return this.idempotency.execute<RecordedResponseView>(actor, idem, dto, { status: 201, onReplay: (m, body) => this.auditReplay(m, scope, requestId, body) }, async (m) => {
      const responses = new ResponseRepository(m);
      const found = await responses.findVisible(scope, responseId);
      if (!found) throw responseNotFound();
      // Lock the occasion first (as recording does), then read the revision again: it may have been corrected meanwhile.
      const occasion = (await new EpisodeRepository(m).findVisibleOccasion(scope, found.occasionId, { forUpdate: true }))!;
      const previous = (await responses.findVisible(scope, responseId, { forUpdate: true }))!;
      if (!previous.isCurrent) {
        throw conflict(
          'RESPONSE.NOT_CURRENT',
          'Bara den gällande versionen av ett svar kan rättas. Hämta historiken och rätta den senaste.',
          'Only the current revision of a response can be corrected. Fetch the history and correct the latest.',
        );
      }
      const answeredOn = dto.answeredOn ?? previous.answeredOn;
      const fields = [...answeredOnErrors(answeredOn, occasion.episode, today), ...answerErrors(previous.definition, dto.answers)];
      if (fields.length > 0) throw invalidResponse(fields);

      const scores = scoreResponse(previous.definition, dto.answers, { sex: await this.clientSex(m, scope, previous.clientId) });
      await responses.markSuperseded(previous.id);
      const id = await responses.insert(scope, {
        occasionId: previous.occasionId,
        episodeId: previous.episodeId,
        clientId: previous.clientId,
        instrumentId: previous.instrumentId,
        instrumentVersionId: previous.instrumentVersionId,
        answeredOn,
        respondent: dto.respondent ?? previous.respondent,
        mode: dto.mode ?? previous.mode,
        recordedBy: actor.userId,
        supersedes: { id: previous.id, revision: previous.revision, reason: dto.reason },
      });
      if (!id) throw alreadyRecorded();
      const plan = (await new MethodRepository(m).findPlan(occasion.episode.planId))!;
      return this.finishWrite(m, scope, requestId, id, occasion, plan, AuditAction.Update, dto.answers, previous.definition, scores);
    });
  }

  /** The instrument version to record: in the episode's plan for this occasion kind; the latest version unless one is named. */
  private async resolveInstrument(m: EntityManager, scope: UnitScope, plan: PlanRow, kind: OccasionKind, code: string, version?: number): Promise<InstrumentVersionRow> {
    const instruments = new InstrumentRepository(m);
    const latest = await instruments.findVersion(scope.municipalityId, code);
    const allowed = planInstruments(plan, kind, 'allowed');
    if (!latest || !allowed.has(latest.instrumentId)) {
      const list = [...new Set(allowed.values())].sort().join(', ') || '–';
      throw unprocessable(
      'RESPONSE.INSTRUMENT_NOT_IN_PLAN',
      `Formuläret ${code} ingår inte i mätplanen för detta mättillfälle (planen: ${list}).`,
      `Instrument ${code} is not in the measurement plan for this occasion (plan: ${list}).`,
      [{ field: 'instrumentCode', sv: `instrumentCode: ${code} ingår inte i mätplanen.`, en: `instrumentCode ${code} is not in the measurement plan.` }],
      );
    }
    if (version === undefined || version === latest.version) return latest;
    const named = await instruments.findVersion(scope.municipalityId, code, version);
    if (!named || named.instrumentId !== latest.instrumentId) {
      throw invalidResponse([
      { field: 'instrumentVersion', sv: `instrumentVersion: ${code} har ingen version ${version}.`, en: `instrumentVersion: ${code} has no version ${version}.` },
      ]);
    }
    return named;
  }

  private async clientSex(m: EntityManager, scope: UnitScope, clientId: string): Promise<ScoreOptions['sex']> {
    const client = await new ClientRepository(m).findVisibleById(scope, clientId);
    return client?.sex as ScoreOptions['sex'];
  }

  /** Answers, scores, the occasion's state, outbox and audit; then the stored response as the caller sees it. */
  private async finishWrite(
    m: EntityManager,
    scope: UnitScope,
    requestId: string,
    responseId: string,
    occasion: OccasionRow & { episode: EpisodeRow },
    plan: PlanRow,
    action: AuditAction,
    answers: Answers,
    def: InstrumentDefinition,
    scores: ReturnType<typeof scoreResponse>,
  ): Promise<RecordedResponseView> {
    const responses = new ResponseRepository(m);
    await responses.insertAnswers(responseId, toStoredAnswers(def, answers));
    await responses.insertScaleScores(responseId, toStoredScores(scores));
    const settled = await this.settleOccasion(m, occasion, plan);
    await writeOutbox(m, scope.municipalityId, [{ topic: 'response.recorded', payload: { responseId, episodeId: occasion.episodeId } }]);
    const e = occasion.episode;
    await recordAudit(m, { scope, requestId }, [
      { action, resource: 'response', purpose: AuditPurpose.FollowUp, clientId: e.clientId, clientPseudonym: e.clientPseudonym, orgUnitId: e.orgUnitId },
    ]);
    const [view] = await loadResponseViews(m, [(await responses.findVisible(scope, responseId))!]);
    return { ...view!, occasion: summarizeOccasion(settled) };
  }

  /** The occasion is done, on the latest answer date, once every instrument the plan requires for its kind is in. */
  private async settleOccasion(m: EntityManager, occasion: OccasionRow, plan: PlanRow): Promise<OccasionRow> {
    const responses = new ResponseRepository(m);
    const current = await responses.listCurrentAtOccasion(occasion.id);
    const have = new Set(current.map((c) => c.instrumentId));
    const required = [...planInstruments(plan, occasion.kind, 'required').keys()];
    if (current.length > 0 && required.every((id) => have.has(id))) {
      await responses.markOccasionDone(occasion.id, current.map((c) => c.answeredOn).sort().at(-1)!);
    }
    return (await new EpisodeRepository(m).listOccasions(occasion.episodeId)).find((o) => o.id === occasion.id)!;
  }

  /** A replay hands out client data again: only while the response is still in the actor's scope, and audited as a read. */
  private async auditReplay(m: EntityManager, scope: UnitScope, requestId: string, body: RecordedResponseView): Promise<void> {
    const row = await new ResponseRepository(m).findVisible(scope, body.id);
    if (!row) throw responseNotFound();
    await recordAudit(m, { scope, requestId }, [
      { action: AuditAction.Read, resource: 'response', purpose: AuditPurpose.FollowUp, clientId: row.clientId, clientPseudonym: row.clientPseudonym, orgUnitId: row.orgUnitId },
    ]);
  }
}
