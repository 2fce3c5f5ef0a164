import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { OrgUnitKind } from '#domain';
import { NOW } from './columns.js';

@Entity({ name: 'org_unit' })
export class OrgUnitEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId: string | null;

  @Column({ name: 'kind', type: 'text' })
  kind: OrgUnitKind;

  @Column({ name: 'code', type: 'text' })
  code: string;

  @Column({ name: 'name', type: 'text' })
  name: string;

  /** Materialized path '/<id>/<id>/': a subtree is one prefix match. */
  @Column({ name: 'path', type: 'text' })
  path: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;
}
