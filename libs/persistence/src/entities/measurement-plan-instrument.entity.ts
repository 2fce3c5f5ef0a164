import { Entity, PrimaryColumn } from 'typeorm';
import { OccasionKind } from '#domain';

/** Which instruments a plan uses at which kind of occasion. */
@Entity({ name: 'measurement_plan_instrument' })
export class MeasurementPlanInstrumentEntity {
  @PrimaryColumn({ name: 'plan_id', type: 'uuid' })
  planId: string;

  @PrimaryColumn({ name: 'occasion_kind', type: 'text' })
  occasionKind: OccasionKind;

  @PrimaryColumn({ name: 'instrument_id', type: 'uuid' })
  instrumentId: string;
}
