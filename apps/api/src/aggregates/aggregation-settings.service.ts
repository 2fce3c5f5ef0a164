import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Actor, Permission, scopeFor, type UnitScope } from '#access';
import { AggregateReadRepository } from '#aggregation';
import { recordAudit } from '#audit';
import { AuditAction, AuditPurpose, type FieldError, forbidden, invalid } from '#domain';
import { type AggregationSettingRow, AggregationSettingRepository } from '#persistence';

export type AggregationSettings = Omit<AggregationSettingRow, 'updatedAt'>;

/**
 * The municipality's aggregation settings (docs/aggregation.md, "Settings"): suppression k for politicians and
 * analysts, and the Ja/Delvis thresholds of the evidence view. They apply to the whole municipality, so only an
 * administrator whose units cover the whole organisation reads or changes them; every change is audit-logged.
 */
@Injectable()
export class AggregationSettingsService {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  private async municipalityScope(actor: Actor): Promise<UnitScope> {
    const scope = scopeFor(actor, Permission.AggregationSettingsAdmin);
    if (!(await new AggregateReadRepository(this.ds).coversMunicipality(scope))) {
      throw forbidden(
        'AGGREGATION_SETTING.MUNICIPALITY_ADMIN_ONLY',
        'Inställningarna gäller hela kommunen och kan bara ses och ändras av administratörer för hela organisationen.',
        'The settings apply to the whole municipality and can only be read and changed by administrators of the whole organisation.',
      );
    }
    return scope;
  }

  async get(actor: Actor): Promise<AggregationSettingRow> {
    const scope = await this.municipalityScope(actor);
    return new AggregationSettingRepository(this.ds.manager).find(scope);
  }

  async update(actor: Actor, requestId: string, dto: AggregationSettings): Promise<AggregationSettingRow> {
    const scope = await this.municipalityScope(actor);
    const fields: FieldError[] = [];
    for (const field of ['evidenceYes', 'evidencePartly'] as const) {
      if (!(dto[field] > 0)) fields.push({ field, sv: `${field}: Måste vara större än 0 (högst 1).`, en: `${field} must be greater than 0 (at most 1).` });
    }
    if (fields.length > 0) {
      throw invalid('AGGREGATION_SETTING.THRESHOLD_OUT_OF_RANGE', 'Tröskelvärdena måste ligga över 0 och högst vara 1.', 'The thresholds must be greater than 0 and at most 1.', fields);
    }
    if (dto.evidencePartly > dto.evidenceYes) {
      throw invalid(
        'AGGREGATION_SETTING.PARTLY_ABOVE_YES',
        `Tröskeln för Delvis (${dto.evidencePartly}) får inte vara högre än tröskeln för Ja (${dto.evidenceYes}).`,
        `The threshold for Delvis (partly, ${dto.evidencePartly}) must not be higher than the threshold for Ja (yes, ${dto.evidenceYes}).`,
        [{ field: 'evidencePartly', sv: 'evidencePartly: Får inte vara högre än evidenceYes.', en: 'evidencePartly must not be higher than evidenceYes.' }],
      );
    }
    return this.ds.transaction(async (m) => {
      const saved = await new AggregationSettingRepository(m).upsert(scope, {
        kPolitician: dto.kPolitician,
        kAnalyst: dto.kAnalyst,
        evidenceYes: dto.evidenceYes,
        evidencePartly: dto.evidencePartly,
      });
      await recordAudit(m, { scope, requestId }, [{ action: AuditAction.Update, resource: 'aggregation_setting', purpose: AuditPurpose.Administration }]);
      return saved;
    });
  }
}
