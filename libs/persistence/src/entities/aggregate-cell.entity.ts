import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Derived: additive sums per leaf org unit, method, group (the zero uuid: none), figure, subject, sub-key, period,
 * sex and age band; c1..c16 are the figure's statistics in the order of libs/aggregation/src/cells.ts.
 */
@Entity({ name: 'aggregate_cell' })
export class AggregateCellEntity {
  @PrimaryColumn({ name: 'municipality_id', type: 'uuid' }) municipalityId: string;
  @PrimaryColumn({ name: 'org_unit_id', type: 'uuid' }) orgUnitId: string;
  @PrimaryColumn({ name: 'method_id', type: 'uuid' }) methodId: string;
  @PrimaryColumn({ name: 'group_id', type: 'uuid' }) groupId: string;
  @PrimaryColumn({ name: 'figure', type: 'text' }) figure: string;
  @PrimaryColumn({ name: 'subject', type: 'text' }) subject: string;
  @PrimaryColumn({ name: 'sub', type: 'text' }) sub: string;
  @PrimaryColumn({ name: 'period_key', type: 'text' }) periodKey: string;
  @PrimaryColumn({ name: 'sex', type: 'text' }) sex: string;
  @PrimaryColumn({ name: 'age_band', type: 'text' }) ageBand: string;
  @Column({ name: 'c1', type: 'numeric' }) c1: string;
  @Column({ name: 'c2', type: 'numeric' }) c2: string;
  @Column({ name: 'c3', type: 'numeric' }) c3: string;
  @Column({ name: 'c4', type: 'numeric' }) c4: string;
  @Column({ name: 'c5', type: 'numeric' }) c5: string;
  @Column({ name: 'c6', type: 'numeric' }) c6: string;
  @Column({ name: 'c7', type: 'numeric' }) c7: string;
  @Column({ name: 'c8', type: 'numeric' }) c8: string;
  @Column({ name: 'c9', type: 'numeric' }) c9: string;
  @Column({ name: 'c10', type: 'numeric' }) c10: string;
  @Column({ name: 'c11', type: 'numeric' }) c11: string;
  @Column({ name: 'c12', type: 'numeric' }) c12: string;
  @Column({ name: 'c13', type: 'numeric' }) c13: string;
  @Column({ name: 'c14', type: 'numeric' }) c14: string;
  @Column({ name: 'c15', type: 'numeric' }) c15: string;
  @Column({ name: 'c16', type: 'numeric' }) c16: string;
}
