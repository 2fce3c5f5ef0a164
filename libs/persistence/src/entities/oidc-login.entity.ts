import { Column, Entity, PrimaryColumn } from 'typeorm';
import { NOW } from './columns.js';

/** A started OpenID Connect sign-in: state (hashed), nonce, PKCE verifier and the browser binding; single use, minutes long. */
@Entity({ name: 'oidc_login' })
export class OidcLoginEntity {
  @PrimaryColumn({ name: 'state_hash', type: 'bytea' })
  stateHash: Buffer;

  /** Hash of the random value in the httpOnly `mp_oidc` cookie: the callback must come from the browser that started. */
  @Column({ name: 'binding_hash', type: 'bytea' })
  bindingHash: Buffer;

  @Column({ name: 'nonce', type: 'text' })
  nonce: string;

  @Column({ name: 'code_verifier', type: 'text' })
  codeVerifier: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: NOW })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'consumed_at', type: 'timestamptz', nullable: true })
  consumedAt: Date | null;
}
