import type { EnvDto } from './env.dto.js';

/** Retention (gallring) rule: docs/retention.md. */
export interface RetentionConfig {
  /** Years after the last entry in a client's record (SoL 12 kap.: 5). */
  years: number;
  /** Clients born on these days of the month are kept (research exception); empty = no exception. */
  keepBirthDays: number[];
  /** Clients deleted per transaction. */
  batchSize: number;
}

/** `RETENTION_KEEP_BIRTH_DAYS`: comma-separated days 1–31, or `none`. Default 5,15,25. */
export function parseRetention(dto: EnvDto, problems: string[]): RetentionConfig {
  let keepBirthDays = [5, 15, 25];
  const raw = dto.RETENTION_KEEP_BIRTH_DAYS?.trim();
  if (raw !== undefined) {
    if (raw === 'none') keepBirthDays = [];
    else {
      const days = raw.split(',').map((d) => d.trim());
      if (days.some((d) => !/^(?:[1-9]|[12][0-9]|3[01])$/.test(d))) {
        problems.push('RETENTION_KEEP_BIRTH_DAYS: must be comma-separated days of the month (1–31), e.g. "5,15,25", or "none"');
      }
      keepBirthDays = [...new Set(days.map(Number))].sort((a, b) => a - b);
    }
  }
  return { years: dto.RETENTION_YEARS ?? 5, keepBirthDays, batchSize: dto.RETENTION_BATCH_SIZE ?? 200 };
}
