import { Column, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Sex } from '#domain';
import { NOW } from './columns.js';

export type IdentityKind = 'personnummer' | 'samordningsnummer';

/** A client, known by a pseudonym; the identity number is stored only encrypted, with a blind index for lookup. */
@Entity({ name: 'client' })
export class ClientEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'municipality_id', type: 'uuid' })
  municipalityId: string;

  @Column({ name: 'pseudonym', type: 'text' })
  pseudonym: string;

  @Column({ name: 'home_unit_id', type: 'uuid' })
  homeUnitId: string;

  // identity_kind, identity_ciphertext and identity_blind_index are all null or all set (CHECKs).
  @Column({ name: 'identity_kind', type: 'text', nullable: true })
  identityKind: IdentityKind | null;

  @Column({ name: 'identity_ciphertext', type: 'bytea', nullable: true })
  identityCiphertext: Buffer | null;

  @Column({ name: 'identity_blind_index', type: 'text', nullable: true })
  identityBlindIndex: string | null;

  @Column({ name: 'birth_year', type: 'integer', nullable: true })
  birthYear: number | null;

  @Column({ name: 'sex', type: 'text', default: Sex.Unknown })
  sex: Sex;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;

  /** Set to now() by TypeORM on every save/update through the entity; raw SQL must set it itself. */
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', default: NOW })
  updatedAt: Date;
}
