import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A fixed-window counter of sign-in attempts for one key (`ip:…` or `user:<keyed hash>`). */
@Entity({ name: 'sign_in_throttle' })
export class SignInThrottleEntity {
  @PrimaryColumn({ name: 'key', type: 'text' })
  key: string;

  @PrimaryColumn({ name: 'window_start', type: 'timestamptz' })
  windowStart: Date;

  @Column({ name: 'attempts', type: 'integer', default: 0 })
  attempts: number;
}
