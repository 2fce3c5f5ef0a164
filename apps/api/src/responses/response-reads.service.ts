import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditAction, AuditPurpose, type IsoDate, notFound } from '#domain';
import { type Actor, Permission, scopeFor, type UnitScope } from '#access';
import { recordAudit } from '#audit';
import { type Band, cutoffFor, type InstrumentDefinition, type LocalizedText, type Range, type ScaleDirection, scaleRange, type Sex } from '#instruments';
import { reliableChangeThreshold } from '#statistics';
import { ClientRepository, EpisodeRepository, ResponseRepository, type ResponseRow } from '#persistence';
import { loadResponseViews, type OccasionSummary, responseNotFound, type ResponseView, type ScaleScoreView, summarizeOccasion } from './response-view.js';

/** What a progress chart needs to draw one scale: its range, bands, the client's cut-off and the reliable-change distance. */
export interface ScaleReference {
  instrument: { code: string; version: number };
  scaleId: string;
  name: LocalizedText;
  direction: ScaleDirection;
  range: Range | null;
  bands: Band[];
  /** The cut-off for this client (sex-specific where the scale has one); null when none applies. */
  cutoff: { value: number; inclusive: boolean } | null;
  /** The smallest change that counts as reliable, in scale points: the published threshold, or z × S_diff. */
  reliableChange: { kind: 'threshold' | 'rci'; points: number } | null;
}

export interface EpisodeResponsesView {
  episodeId: string;
  clientId: string;
  clientPseudonym: string;
  startDate: IsoDate;
  closeDate: IsoDate | null;
  scales: ScaleReference[];
  occasions: (OccasionSummary & {
    responses: { id: string; instrument: { code: string; version: number }; revision: number; answeredOn: IsoDate; scores: ScaleScoreView[] }[];
  })[];
}

function scaleReferences(def: InstrumentDefinition, sex: Sex | undefined): ScaleReference[] {
  const items = new Map(def.items.map((i) => [i.id, i]));
  return def.scales.map((s) => {
    const rc = s.reliableChange;
    return {
      instrument: { code: def.code, version: def.version },
      scaleId: s.id,
      name: s.name,
      direction: s.direction,
      range: scaleRange(s, items),
      bands: s.bands ?? [],
      cutoff: cutoffFor(s, sex),
      reliableChange: !rc ? null : rc.kind === 'threshold' ? { kind: 'threshold', points: rc.points } : { kind: 'rci', points: reliableChangeThreshold(rc) },
    };
  });
}

/** Reading responses: one revision, a revision history, and an episode's current responses for its progress chart. */
@Injectable()
export class ResponseReadsService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  private async audit(m: EntityManager, scope: UnitScope, requestId: string, r: { clientId: string; clientPseudonym: string; orgUnitId: string }) {
    await recordAudit(m, { scope, requestId }, [
      { action: AuditAction.Read, resource: 'response', purpose: AuditPurpose.FollowUp, clientId: r.clientId, clientPseudonym: r.clientPseudonym, orgUnitId: r.orgUnitId },
    ]);
  }

  /** Any revision, current or not, with its answers and scores. */
  async get(actor: Actor, requestId: string, id: string): Promise<ResponseView> {
    const scope = scopeFor(actor, Permission.ClientRead);
    return this.dataSource.transaction(async (m) => {
      const row = await new ResponseRepository(m).findVisible(scope, id);
      if (!row) throw responseNotFound();
      await this.audit(m, scope, requestId, row);
      const [view] = await loadResponseViews(m, [row]);
      return view!;
    });
  }

  /** Every revision of the response's occasion and instrument, oldest first: who recorded each, when, and why it was corrected. */
  async history(actor: Actor, requestId: string, id: string): Promise<{ responseId: string; revisions: ResponseView[] }> {
    const scope = scopeFor(actor, Permission.ClientRead);
    return this.dataSource.transaction(async (m) => {
      const responses = new ResponseRepository(m);
      const row = await responses.findVisible(scope, id);
      if (!row) throw responseNotFound();
      await this.audit(m, scope, requestId, row);
      return { responseId: id, revisions: await loadResponseViews(m, await responses.listRevisions(scope, row.occasionId, row.instrumentId)) };
    });
  }

  /** The current responses of an episode per occasion, with each scale's cut-off and reliable-change distance. */
  async listForEpisode(actor: Actor, requestId: string, episodeId: string): Promise<EpisodeResponsesView> {
    const scope = scopeFor(actor, Permission.ClientRead);
    return this.dataSource.transaction(async (m) => {
      const episodes = new EpisodeRepository(m);
      const episode = await episodes.findVisible(scope, episodeId);
      if (!episode) {
        throw notFound('EPISODE.NOT_FOUND', 'Insatsen finns inte eller du saknar behörighet.', 'The intervention does not exist or you do not have access.');
      }
      await this.audit(m, scope, requestId, episode);
      const client = await new ClientRepository(m).findVisibleById(scope, episode.clientId);
      const rows = await new ResponseRepository(m).listCurrentForEpisode(scope, episodeId);
      const views = await loadResponseViews(m, rows);
      const definitions = new Map<string, ResponseRow['definition']>();
      for (const r of rows) definitions.set(`${r.instrumentCode}@${r.instrumentVersion}`, r.definition);
      const byOccasion = new Map<string, ResponseView[]>();
      for (const v of views) byOccasion.set(v.occasionId, [...(byOccasion.get(v.occasionId) ?? []), v]);
      return {
        episodeId: episode.id,
        clientId: episode.clientId,
        clientPseudonym: episode.clientPseudonym,
        startDate: episode.startDate,
        closeDate: episode.closeDate,
        scales: [...definitions.keys()].sort().flatMap((k) => scaleReferences(definitions.get(k)!, client?.sex as Sex | undefined)),
        occasions: (await episodes.listOccasions(episodeId)).map((o) => ({
          ...summarizeOccasion(o),
          responses: (byOccasion.get(o.id) ?? []).map((v) => ({ id: v.id, instrument: v.instrument, revision: v.revision, answeredOn: v.answeredOn, scores: v.scores })),
        })),
      };
    });
  }
}
