import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DEFAULT_PLAN_TIMING, EvidenceStatus, type IsoDate, OccasionKind, type PlanTiming, Role, Sex, scheduleFor, swedishToday, timeState } from '#domain';
import { EpisodeRepository, InstrumentRepository, MethodRepository, type OccasionRow, type OrgUnitRow, returnedRows } from '#persistence';
import { type TestUser, WorldFactory } from './world.factory.js';

export type World = Awaited<ReturnType<WorldFactory['create']>>;

export interface EpisodeWorldOptions {
  /** Instrument codes the plan uses at start, every follow-up and close (default phq9 and gad7). */
  instruments?: string[];
  /** Explicit plan entries, instead of `instruments` at every kind. */
  plan?: { occasionKind: OccasionKind; instrumentCode: string }[];
  /** The episode's start date. */
  startDate: IsoDate;
  /** The day occasion states are computed for (default: today in Sweden). Pass the frozen clock's day. */
  today?: IsoDate;
  /** Add to this world instead of creating one. */
  world?: World;
  /** The episode's unit (default: the world's unit A). */
  unit?: OrgUnitRow;
  /** The responsible caseworker (default: a new caseworker of the unit). */
  caseworker?: TestUser;
  sex?: Sex;
  timing?: Partial<PlanTiming>;
}

export interface EpisodeWorld {
  world: World;
  caseworker: TestUser;
  method: { id: string; code: string; planId: string };
  client: { id: string; pseudonym: string; sex: Sex };
  episode: { id: string; startDate: IsoDate };
  occasions: OccasionRow[];
  /** The occasion of a kind and sequence (start and close have seq 0). */
  occasion(kind: OccasionKind, seq?: number): OccasionRow;
}

/**
 * A client on a method with a measurement plan, with an open episode and its occasions, written straight to
 * the database the way EpisodesService.start writes them (a new method per call; codes are unique per call).
 */
export async function createEpisodeWorld(ds: DataSource, opts: EpisodeWorldOptions): Promise<EpisodeWorld> {
  const factory = new WorldFactory(ds);
  const world = opts.world ?? (await factory.create());
  const unit = opts.unit ?? world.unitA;
  const caseworker = opts.caseworker ?? (await factory.user(world.municipalityId, Role.Caseworker, unit));
  const today = opts.today ?? swedishToday();
  const timing = { ...DEFAULT_PLAN_TIMING, ...opts.timing };

  const entries =
    opts.plan ??
    (opts.instruments ?? ['phq9', 'gad7']).flatMap((code) =>
      [OccasionKind.Start, OccasionKind.FollowUp, OccasionKind.Close].map((occasionKind) => ({ occasionKind, instrumentCode: code })),
    );
  const catalogue = new InstrumentRepository(ds);
  const planInstruments = [];
  for (const e of entries) {
    const version = await catalogue.findVersion(world.municipalityId, e.instrumentCode);
    if (!version) throw new Error(`createEpisodeWorld: no instrument ${e.instrumentCode}`);
    planInstruments.push({ occasionKind: e.occasionKind, instrumentId: version.instrumentId });
  }
  const methods = new MethodRepository(ds);
  const code = `M-${randomUUID().slice(0, 8)}`;
  const methodId = (await methods.insertMethod(world.municipalityId, { code, name: `Metod ${code}`, description: '', evidenceStatus: EvidenceStatus.NotAssessed }))!;
  const planId = await methods.insertPlan(methodId, { ...timing, requiresAdjustmentDecision: true }, planInstruments);

  const sex = opts.sex ?? Sex.Female;
  const [counter] = returnedRows<{ n: number; prefix: string }>(await ds.query(
    `UPDATE municipality SET next_client_number = next_client_number + 1 WHERE id = $1
     RETURNING next_client_number - 1 AS n, client_code_prefix AS prefix`,
    [world.municipalityId],
  ));
  const pseudonym = `${counter!.prefix}-${String(counter!.n).padStart(6, '0')}`;
  const [client] = await ds.query(
    `INSERT INTO client (municipality_id, pseudonym, home_unit_id, birth_year, sex) VALUES ($1, $2, $3, 1985, $4) RETURNING id`,
    [world.municipalityId, pseudonym, unit.id, sex],
  );
  const [episode] = await ds.query(
    `INSERT INTO episode (municipality_id, client_id, method_id, org_unit_id, plan_id, caseworker_user_id, start_date)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [world.municipalityId, client.id, methodId, unit.id, planId, caseworker.id, opts.startDate],
  );
  const episodes = new EpisodeRepository(ds.manager);
  const planned = scheduleFor({ startDate: opts.startDate, closeDate: null }, timing, today);
  await episodes.insertOccasions(world.municipalityId, episode.id, planned.map((p) => ({ ...p, state: timeState(p, today) })));
  const occasions = await episodes.listOccasions(episode.id);

  return {
    world,
    caseworker,
    method: { id: methodId, code, planId },
    client: { id: client.id, pseudonym, sex },
    episode: { id: episode.id, startDate: opts.startDate },
    occasions,
    occasion(kind, seq = 0) {
      const found = occasions.find((o) => o.kind === kind && o.seq === seq);
      if (!found) throw new Error(`createEpisodeWorld: no ${kind} occasion ${seq}`);
      return found;
    },
  };
}
