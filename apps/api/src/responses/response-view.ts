import type { EntityManager } from 'typeorm';
import { type IsoDate, isOnTime, notFound, type OccasionKind, type OccasionState, type Respondent, type ResponseMode } from '#domain';
import { type AnswerValue, type Answers, type Band, findBand, type InstrumentDefinition, type ScaleScore } from '#instruments';
import { type OccasionRow, ResponseRepository, type ResponseRow, type StoredAnswer, type StoredScaleScore } from '#persistence';

export interface ScaleScoreView {
  scaleId: string;
  raw: number | null;
  valid: boolean;
  /** Why the score is invalid (e.g. `TOO_MANY_MISSING`), or null. */
  invalidReason: string | null;
  band: Band | null;
  isCase: boolean | null;
  prorated: boolean;
}

export interface ResponseView {
  id: string;
  occasionId: string;
  episodeId: string;
  clientId: string;
  clientPseudonym: string;
  instrument: { code: string; version: number };
  revision: number;
  supersedesId: string | null;
  isCurrent: boolean;
  correctionReason: string | null;
  answeredOn: IsoDate;
  respondent: Respondent;
  mode: ResponseMode;
  recordedBy: { userId: string; displayName: string };
  recordedAt: string;
  answers: Record<string, AnswerValue>;
  scores: ScaleScoreView[];
}

/** The occasion as it stands after the write, with whether it was done on time (null while not done). */
export interface OccasionSummary {
  id: string;
  kind: OccasionKind;
  seq: number;
  dueDate: IsoDate;
  windowStart: IsoDate;
  windowEnd: IsoDate;
  state: OccasionState;
  doneOn: IsoDate | null;
  onTime: boolean | null;
}

export function summarizeOccasion(o: OccasionRow): OccasionSummary {
  return {
    id: o.id,
    kind: o.kind,
    seq: o.seq,
    dueDate: o.dueDate,
    windowStart: o.windowStart,
    windowEnd: o.windowEnd,
    state: o.state,
    doneOn: o.doneOn,
    onTime: o.doneOn ? isOnTime(o) : null,
  };
}

export const responseNotFound = () =>
  notFound('RESPONSE.NOT_FOUND', 'Formulärsvaret finns inte eller du saknar behörighet.', 'The response does not exist or you do not have access.');

/** Answers as stored: yes/no as 1/0, free text as text, everything else as a number; missing answers are not stored. */
export function toStoredAnswers(def: InstrumentDefinition, answers: Answers): StoredAnswer[] {
  const out: StoredAnswer[] = [];
  for (const item of def.items) {
    const v = answers[item.id];
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) continue;
    if (item.type === 'free_text') out.push({ itemId: item.id, valueNumeric: null, valueText: String(v) });
    else if (item.type === 'yes_no') out.push({ itemId: item.id, valueNumeric: v === true ? 1 : 0, valueText: null });
    else out.push({ itemId: item.id, valueNumeric: v as number, valueText: null });
  }
  return out;
}

export function toStoredScores(scores: ScaleScore[]): StoredScaleScore[] {
  return scores.map((s) => ({
    scaleId: s.scaleId,
    raw: s.raw,
    valid: s.valid,
    invalidReason: s.invalidReason?.code ?? null,
    band: s.band?.label.sv ?? null,
    isCase: s.isCase ?? null,
    prorated: s.prorated,
  }));
}

function answersView(def: InstrumentDefinition, stored: StoredAnswer[]): Record<string, AnswerValue> {
  const types = new Map(def.items.map((i) => [i.id, i.type]));
  const out: Record<string, AnswerValue> = {};
  for (const a of stored) {
    const type = types.get(a.itemId);
    out[a.itemId] = type === 'free_text' ? a.valueText : type === 'yes_no' ? a.valueNumeric === 1 : a.valueNumeric;
  }
  return out;
}

/** Scores in the definition's scale order; the band comes from the (immutable) definition, with both labels. */
export function scoresView(def: InstrumentDefinition, stored: StoredScaleScore[]): ScaleScoreView[] {
  const byId = new Map(stored.map((s) => [s.scaleId, s]));
  return def.scales
    .filter((scale) => byId.has(scale.id))
    .map((scale) => {
      const s = byId.get(scale.id)!;
      return {
        scaleId: s.scaleId,
        raw: s.raw,
        valid: s.valid,
        invalidReason: s.invalidReason,
        band: s.raw === null ? null : (findBand(scale.bands, s.raw) ?? null),
        isCase: s.isCase,
        prorated: s.prorated,
      };
    });
}

/** Views of stored responses, with their answers and scores (two queries for any number of responses). */
export async function loadResponseViews(m: EntityManager, rows: ResponseRow[]): Promise<ResponseView[]> {
  const repo = new ResponseRepository(m);
  const ids = rows.map((r) => r.id);
  const answers = await repo.listAnswers(ids);
  const scores = await repo.listScaleScores(ids);
  return rows.map((r) => ({
    id: r.id,
    occasionId: r.occasionId,
    episodeId: r.episodeId,
    clientId: r.clientId,
    clientPseudonym: r.clientPseudonym,
    instrument: { code: r.instrumentCode, version: r.instrumentVersion },
    revision: r.revision,
    supersedesId: r.supersedesId,
    isCurrent: r.isCurrent,
    correctionReason: r.correctionReason,
    answeredOn: r.answeredOn,
    respondent: r.respondent,
    mode: r.mode,
    recordedBy: { userId: r.recordedBy, displayName: r.recordedByName },
    recordedAt: new Date(r.recordedAt).toISOString(),
    answers: answersView(r.definition, answers.get(r.id) ?? []),
    scores: scoresView(r.definition, scores.get(r.id) ?? []),
  }));
}
