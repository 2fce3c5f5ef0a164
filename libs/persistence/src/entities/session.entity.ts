import { Column, Entity, PrimaryColumn } from 'typeorm';
import { NOW } from './columns.js';

/** A server-side session; the cookie holds a random token and only its SHA-256 is stored. */
@Entity({ name: 'session' })
export class SessionEntity {
  @PrimaryColumn({ name: 'id_hash', type: 'bytea' })
  idHash: Buffer;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'csrf_token', type: 'text' })
  csrfToken: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz', default: NOW })
  lastSeenAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  /** How the session began: 'local' sessions stop working when LOCAL_ACCOUNTS_ENABLED=false. */
  @Column({ name: 'auth_method', type: 'text', default: () => "'local'" })
  authMethod: 'local' | 'oidc';
}
