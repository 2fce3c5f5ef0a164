import {
  addMonths,
  type EpisodeCloseReason,
  type IsoDate,
  OccasionKind,
  OccasionState,
  type PlanTiming,
  plannedOccasion,
  type Respondent,
  scheduleFor,
  type Sex,
  Sex as SexValue,
  timeState,
} from '#domain';
import { type AnswerValue, type Answers, type InstrumentDefinition, type ScaleScore, scoreResponse, validateAnswers } from '#instruments';
import { COLUMNS, occasionLabel, type RowError } from './import-format.js';
import type { ImportRow } from './import-rows.js';

export interface ImportPlanTiming extends PlanTiming {
  id: string;
  /** Instrument codes the plan asks for, per occasion kind. */
  instruments: { occasionKind: OccasionKind; code: string }[];
}

export interface ExistingClient {
  id: string;
  pseudonym: string;
  homeUnitId: string;
  sex: Sex;
  identityIndex: string | null;
}

export interface ExistingEpisode {
  id: string;
  clientId: string;
  methodId: string;
  orgUnitId: string;
  planId: string;
  startDate: IsoDate;
  closeDate: IsoDate | null;
  closeReason: EpisodeCloseReason | null;
}

export interface CatalogueInstrument {
  instrumentId: string;
  versionId: string;
  definition: InstrumentDefinition;
}

/** What the database knows, read before planning (the real run reads it inside its transaction). */
export interface ImportContext {
  today: IsoDate;
  /** Unit code → id, for the units this import may write to (the target unit's subtree, within the actor's scope). */
  units: ReadonlyMap<string, string>;
  /** Method code → id and current plan. */
  methods: ReadonlyMap<string, { id: string; plan: ImportPlanTiming | null }>;
  /** `${code}@${version}` → the stored version. */
  instruments: ReadonlyMap<string, CatalogueInstrument>;
  /** Client reference → its keyed blind index (references are stored only as that). */
  refIndexes: ReadonlyMap<string, string>;
  /** Normalised personnummer → its blind index. */
  identityIndexes: ReadonlyMap<string, string>;
  /** Clients already imported, by reference index (or only known to exist outside the scope). */
  existingByRef: ReadonlyMap<string, ExistingClient | 'outside_scope'>;
  /** Clients with a personnummer in the file: in scope, or only known to exist elsewhere in the municipality. */
  existingByIdentity: ReadonlyMap<string, ExistingClient | 'outside_scope'>;
  /** Episodes of the existing clients, by client id. */
  existingEpisodes: ReadonlyMap<string, ExistingEpisode[]>;
  /** Plans of existing episodes, by plan id. */
  plans: ReadonlyMap<string, ImportPlanTiming>;
}

export interface PlannedClient {
  key: string;
  refIndex: string;
  existing: ExistingClient | null;
  identity: { normalized: string; kind: 'personnummer' | 'samordningsnummer'; index: string } | null;
  birthYear: number | null;
  sex: Sex;
  homeUnitId: string;
  firstRow: number;
}

export interface PlannedEpisode {
  key: string;
  clientKey: string;
  existingId: string | null;
  methodId: string;
  orgUnitId: string;
  plan: ImportPlanTiming;
  startDate: IsoDate;
  closeDate: IsoDate | null;
  closeReason: EpisodeCloseReason | null;
  firstRow: number;
}

export interface PlannedOccasionRow {
  episodeKey: string;
  kind: OccasionKind;
  seq: number;
  dueDate: IsoDate;
  windowStart: IsoDate;
  windowEnd: IsoDate;
  state: OccasionState;
  doneOn: IsoDate | null;
  missedReason: string | null;
}

export interface PlannedAnswer {
  itemId: string;
  numeric: number | null;
  text: string | null;
}

export interface PlannedResponse {
  row: number;
  episodeKey: string;
  clientKey: string;
  kind: OccasionKind;
  seq: number;
  instrumentId: string;
  versionId: string;
  answeredOn: IsoDate;
  respondent: Respondent;
  answers: PlannedAnswer[];
  scores: ScaleScore[];
}

export interface ImportPlan {
  errors: RowError[];
  /** Sheet rows with at least one error (from this step). */
  failedRows: Set<number>;
  clients: PlannedClient[];
  episodes: PlannedEpisode[];
  occasions: PlannedOccasionRow[];
  responses: PlannedResponse[];
}

/** Why an imported occasion without a response is missed (free text, as a person would write it). */
export const IMPORT_MISSED_REASON = 'Ingen mätning i den importerade historiken.';

const YES = new Set(['ja', 'yes', 'true', '1']);
const NO = new Set(['nej', 'no', 'false', '0']);

const itemIndex = new WeakMap<InstrumentDefinition, Map<string, InstrumentDefinition['items'][number]>>();

function answerValue(def: InstrumentDefinition, itemId: string, text: string): AnswerValue {
  let items = itemIndex.get(def);
  if (!items) itemIndex.set(def, (items = new Map(def.items.map((i) => [i.id, i]))));
  const item = items.get(itemId);
  if (!item) return text;
  switch (item.type) {
    case 'likert':
    case 'numeric': {
      const n = Number(text.replace(',', '.'));
      return text !== '' && Number.isFinite(n) ? n : text;
    }
    case 'yes_no': {
      const v = text.toLowerCase();
      return YES.has(v) ? true : NO.has(v) ? false : text;
    }
    case 'free_text':
      return text;
  }
}

function toStored(value: AnswerValue): { numeric: number | null; text: string | null } {
  if (typeof value === 'number') return { numeric: value, text: null };
  if (typeof value === 'boolean') return { numeric: value ? 1 : 0, text: null };
  return { numeric: null, text: value };
}

/**
 * Checks the typed rows against the catalogue and what the database already holds, and plans the
 * writes: clients by reference, episodes by (client, method, start), occasions by (episode, kind,
 * sequence) with windows from the plan, responses by (occasion, instrument) with their scale scores.
 * Pure: the same rows and context give the same plan. Every row problem is listed; when there is
 * any, nothing may be written.
 */
export function planImport(rows: readonly ImportRow[], ctx: ImportContext): ImportPlan {
  const errors: RowError[] = [];
  const failedRows = new Set<number>();
  const fail = (row: number, column: string, sv: string, en: string) => {
    errors.push({ row, column, reason: { sv, en } });
    failedRows.add(row);
  };

  const clients = new Map<string, PlannedClient>();
  const clientByIdentity = new Map<string, PlannedClient>();
  const episodes = new Map<string, PlannedEpisode>();
  const responses: PlannedResponse[] = [];
  const responseKeys = new Map<string, number>();

  for (const r of rows) {
    const rowFailedBefore = failedRows.size;
    const rowFailed = () => failedRows.size > rowFailedBefore || failedRows.has(r.row);

    // Unit, method and instrument first: the rest depends on them.
    const unitId = ctx.units.get(r.unitCode);
    if (!unitId) {
      fail(r.row, COLUMNS.unitCode, `Okänd enhet ${r.unitCode}, eller en enhet utanför den du importerar till.`, `Unknown unit ${r.unitCode}, or a unit outside the one you import into.`);
    }
    const method = ctx.methods.get(r.methodCode);
    if (!method) fail(r.row, COLUMNS.methodCode, `Okänt arbetssätt ${r.methodCode}.`, `Unknown method ${r.methodCode}.`);
    else if (!method.plan) fail(r.row, COLUMNS.methodCode, `Arbetssättet ${r.methodCode} saknar mätplan.`, `The method ${r.methodCode} has no measurement plan.`);
    const instrument = ctx.instruments.get(`${r.instrumentCode}@${r.instrumentVersion}`);
    if (!instrument) {
      fail(r.row, COLUMNS.instrument, `Okänt formulär ${r.instrumentCode} version ${r.instrumentVersion}.`, `Unknown instrument ${r.instrumentCode} version ${r.instrumentVersion}.`);
    }

    // The client, by reference (then by personnummer); its attributes must agree across rows.
    const refIndex = ctx.refIndexes.get(r.clientRef)!;
    const identityIndex = r.identity ? ctx.identityIndexes.get(r.identity.normalized)! : null;
    let client = clients.get(refIndex);
    if (!client) {
      const byRef = ctx.existingByRef.get(refIndex) ?? null;
      let existing = byRef === 'outside_scope' ? null : byRef;
      if (byRef === 'outside_scope') {
        fail(r.row, COLUMNS.clientRef, 'Referensen har importerats tidigare för en brukare utanför dina enheter. Kontakta enhetschefen för åtkomst.', 'The reference was imported earlier for a client outside your units. Ask your unit head for access.');
      } else if (existing) {
        if (identityIndex !== null && existing.identityIndex !== identityIndex) {
          fail(r.row, COLUMNS.personnummer, 'Personnumret stämmer inte med brukaren som tidigare importerats med denna referens.', 'The personnummer does not match the client imported earlier under this reference.');
        }
      } else if (identityIndex !== null) {
        const byIdentity = ctx.existingByIdentity.get(identityIndex);
        if (byIdentity === 'outside_scope') {
          fail(r.row, COLUMNS.personnummer, 'Personnumret är redan registrerat i kommunen. Kontakta enhetschefen för åtkomst.', 'The identity number is already registered in the municipality. Ask your unit head for access.');
        } else if (byIdentity) existing = byIdentity;
      }
      const other = identityIndex !== null ? clientByIdentity.get(identityIndex) : undefined;
      if (other) {
        fail(r.row, COLUMNS.personnummer, `Samma personnummer som brukarreferensen på rad ${other.firstRow}.`, `The same personnummer as the client reference on row ${other.firstRow}.`);
      }
      client = {
        key: refIndex,
        refIndex,
        existing,
        identity: r.identity && identityIndex ? { normalized: r.identity.normalized, kind: r.identity.kind, index: identityIndex } : null,
        birthYear: r.birthYear ?? r.identity?.birthYear ?? null,
        sex: r.sex ?? (r.identity ? (r.identity.legalSex as Sex) : SexValue.Unknown),
        homeUnitId: existing?.homeUnitId ?? unitId ?? '',
        firstRow: r.row,
      };
      clients.set(refIndex, client);
      if (identityIndex !== null && !other) clientByIdentity.set(identityIndex, client);
    } else {
      const first = `rad ${client.firstRow}`;
      if (identityIndex !== null && client.identity?.index !== identityIndex) {
        fail(r.row, COLUMNS.personnummer, `Personnumret skiljer sig från ${first} för samma brukarreferens.`, `The personnummer differs from row ${client.firstRow} for the same client reference.`);
      }
      if (r.birthYear !== null && client.birthYear !== null && r.birthYear !== client.birthYear) {
        fail(r.row, COLUMNS.birthYear, `Födelseåret skiljer sig från ${first} för samma brukarreferens.`, `The birth year differs from row ${client.firstRow} for the same client reference.`);
      }
      if (r.sex !== null && r.sex !== client.sex) {
        fail(r.row, COLUMNS.sex, `Kön skiljer sig från ${first} för samma brukarreferens.`, `Sex differs from row ${client.firstRow} for the same client reference.`);
      }
    }
    if (!unitId || !method?.plan || !instrument) continue;

    // The episode, by (client, method, start); it must look the same on every row.
    const episodeKey = `${client.key}|${method.id}|${r.episodeStart}`;
    let episode = episodes.get(episodeKey);
    if (!episode) {
      const existing = client.existing
        ? (ctx.existingEpisodes.get(client.existing.id) ?? []).find((e) => e.methodId === method.id && e.startDate === r.episodeStart)
        : undefined;
      if (existing) {
        if (existing.orgUnitId !== unitId) {
          fail(r.row, COLUMNS.unitCode, 'Insatsen finns redan i en annan enhet; en import ändrar inte befintliga insatser.', 'The episode already exists in another unit; an import does not change existing episodes.');
        }
        if (existing.closeDate !== r.episodeClose || existing.closeReason !== r.closeReason) {
          fail(r.row, COLUMNS.episodeClose, 'Insatsen finns redan med ett annat slutdatum eller avslutsorsak; en import ändrar inte befintliga insatser.', 'The episode already exists with another close date or reason; an import does not change existing episodes.');
        }
      }
      episode = {
        key: episodeKey,
        clientKey: client.key,
        existingId: existing?.id ?? null,
        methodId: method.id,
        orgUnitId: unitId,
        plan: existing ? (ctx.plans.get(existing.planId) ?? method.plan) : method.plan,
        startDate: r.episodeStart,
        closeDate: r.episodeClose,
        closeReason: r.closeReason,
        firstRow: r.row,
      };
      episodes.set(episodeKey, episode);
    } else {
      if (episode.orgUnitId !== unitId) {
        fail(r.row, COLUMNS.unitCode, `Enheten skiljer sig från rad ${episode.firstRow} för samma insats.`, `The unit differs from row ${episode.firstRow} for the same episode.`);
      }
      if (episode.closeDate !== r.episodeClose || episode.closeReason !== r.closeReason) {
        fail(r.row, COLUMNS.episodeClose, `Slutdatum eller avslutsorsak skiljer sig från rad ${episode.firstRow} för samma insats.`, `The close date or reason differs from row ${episode.firstRow} for the same episode.`);
      }
    }

    // The occasion must fit the episode and its plan.
    const { kind, seq } = r.occasion;
    const plan = episode.plan;
    const label = occasionLabel(r.occasion);
    if (kind === OccasionKind.FollowUp) {
      const due = addMonths(episode.startDate, seq * plan.intervalMonths);
      if (seq > plan.maxFollowUps) {
        fail(r.row, COLUMNS.occasion, `Mätplanen har högst ${plan.maxFollowUps} uppföljningar.`, `The measurement plan has at most ${plan.maxFollowUps} follow-ups.`);
      } else if (episode.closeDate && due >= episode.closeDate) {
        fail(r.row, COLUMNS.occasion, `Uppföljning ${seq} (${due}) infaller inte före insatsens slutdatum; använd close.`, `Follow-up ${seq} (due ${due}) is not before the episode's close date; use close.`);
      }
    }
    if (kind === OccasionKind.Close && !episode.closeDate) {
      fail(r.row, COLUMNS.occasion, 'Mättillfället close kräver att insatsen har ett slutdatum.', 'The close occasion needs an episode close date.');
    }
    if (r.answeredOn < episode.startDate) {
      fail(r.row, COLUMNS.answeredOn, 'Svarsdatumet ligger före insatsens start.', 'The answer date is before the episode start.');
    } else if (episode.closeDate && r.answeredOn > episode.closeDate) {
      fail(r.row, COLUMNS.answeredOn, 'Svarsdatumet ligger efter insatsens slut.', 'The answer date is after the episode close.');
    }
    if (kind !== OccasionKind.Extra) {
      const planned = plan.instruments.filter((i) => i.occasionKind === kind).map((i) => i.code);
      if (planned.length > 0 && !planned.includes(instrument.definition.code)) {
        fail(r.row, COLUMNS.instrument, `Mätplanen använder inte ${instrument.definition.code} vid ${label} (planen: ${planned.join(', ')}).`, `The measurement plan does not use ${instrument.definition.code} at ${label} (plan: ${planned.join(', ')}).`);
      }
    }

    const responseKey = `${episodeKey}|${kind}|${seq}|${instrument.instrumentId}`;
    const earlier = responseKeys.get(responseKey);
    if (earlier !== undefined) {
      fail(r.row, COLUMNS.occasion, `Dubblett av rad ${earlier}: samma insats, mättillfälle och formulär.`, `Duplicate of row ${earlier}: same episode, occasion and instrument.`);
      continue;
    }
    responseKeys.set(responseKey, r.row);

    // Answers: typed by the item, checked by the instrument. A missing answer is not an error here:
    // paper forms have gaps, and scoring prorates them up to each scale's limit (or marks the score invalid).
    const def = instrument.definition;
    const answers: Answers = {};
    for (const [itemId, text] of r.items) answers[itemId] = answerValue(def, itemId, text);
    if (r.items.size === 0) {
      fail(r.row, COLUMNS.instrument, 'Raden har inga svar.', 'The row has no answers.');
    }
    for (const e of validateAnswers(def, answers)) {
      const itemId = e.field.replace(/^answers\./, '');
      if (!r.items.has(itemId)) continue; // missing: see above
      const known = itemIndex.get(def)!.has(itemId);
      if (!known) fail(r.row, itemId, `${itemId} är ingen fråga i ${def.code} version ${def.version}.`, `${itemId} is not an item of ${def.code} version ${def.version}.`);
      else fail(r.row, itemId, e.sv, e.en);
    }
    if (rowFailed()) continue;

    responses.push({
      row: r.row,
      episodeKey,
      clientKey: client.key,
      kind,
      seq,
      instrumentId: instrument.instrumentId,
      versionId: instrument.versionId,
      answeredOn: r.answeredOn,
      respondent: r.respondent,
      answers: Object.entries(answers).map(([itemId, v]) => ({ itemId, ...toStored(v!) })),
      scores: scoreResponse(def, answers, { sex: client.sex }),
    });
  }

  // At most one open episode per client and method (as when starting one by hand).
  const openByClientMethod = new Map<string, PlannedEpisode>();
  for (const e of episodes.values()) {
    if (e.closeDate !== null) continue;
    const key = `${e.clientKey}|${e.methodId}`;
    const other = openByClientMethod.get(key);
    if (other) {
      fail(e.firstRow, COLUMNS.episodeClose, `Brukaren har redan en pågående insats med detta arbetssätt (rad ${other.firstRow}).`, `The client already has an open episode with this method (row ${other.firstRow}).`);
      continue;
    }
    openByClientMethod.set(key, e);
    const client = clients.get(e.clientKey)!;
    const existingOpen = client.existing
      ? (ctx.existingEpisodes.get(client.existing.id) ?? []).find((x) => x.methodId === e.methodId && x.closeDate === null && x.id !== e.existingId)
      : undefined;
    if (existingOpen) {
      fail(e.firstRow, COLUMNS.episodeClose, 'Brukaren har redan en pågående insats med detta arbetssätt.', 'The client already has an open episode with this method.');
    }
  }

  return { errors, failedRows, clients: [...clients.values()], episodes: [...episodes.values()], occasions: planOccasions(episodes, responses, ctx.today), responses };
}

/**
 * The occasions of each episode: the schedule of its plan up to today (start, follow-ups, close),
 * plus any occasion the file answers that the schedule does not hold (an early follow-up, extras).
 * Answered → done on the earliest answer date; unanswered with its window passed → missed; else planned or due.
 */
function planOccasions(episodes: Map<string, PlannedEpisode>, responses: PlannedResponse[], today: IsoDate): PlannedOccasionRow[] {
  const doneOn = new Map<string, IsoDate>();
  const answered = new Map<string, { kind: OccasionKind; seq: number }[]>();
  for (const r of responses) {
    const key = `${r.episodeKey}|${r.kind}|${r.seq}`;
    const prev = doneOn.get(key);
    if (prev === undefined) {
      answered.set(r.episodeKey, [...(answered.get(r.episodeKey) ?? []), { kind: r.kind, seq: r.seq }]);
    }
    if (prev === undefined || r.answeredOn < prev) doneOn.set(key, r.answeredOn);
  }
  const out: PlannedOccasionRow[] = [];
  for (const e of episodes.values()) {
    const planned = new Map(scheduleFor({ startDate: e.startDate, closeDate: e.closeDate }, e.plan, today).map((p) => [`${p.kind}|${p.seq}`, p]));
    for (const a of answered.get(e.key) ?? []) {
      const k = `${a.kind}|${a.seq}`;
      if (planned.has(k)) continue;
      const due =
        a.kind === OccasionKind.FollowUp
          ? addMonths(e.startDate, a.seq * e.plan.intervalMonths)
          : a.kind === OccasionKind.Extra
            ? doneOn.get(`${e.key}|${k}`)!
            : a.kind === OccasionKind.Close
              ? e.closeDate!
              : e.startDate;
      planned.set(k, plannedOccasion(a.kind, a.seq, due, e.plan));
    }
    for (const p of planned.values()) {
      const done = doneOn.get(`${e.key}|${p.kind}|${p.seq}`) ?? null;
      const time = timeState(p, today);
      const state = done ? OccasionState.Done : time === OccasionState.Overdue ? OccasionState.Missed : time;
      out.push({
        episodeKey: e.key,
        kind: p.kind,
        seq: p.seq,
        dueDate: p.dueDate,
        windowStart: p.windowStart,
        windowEnd: p.windowEnd,
        state,
        doneOn: done,
        missedReason: state === OccasionState.Missed ? IMPORT_MISSED_REASON : null,
      });
    }
  }
  return out;
}
