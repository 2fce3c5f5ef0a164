import { expect } from '@jest/globals';
import type { DataSource } from 'typeorm';
import type { HttpResult } from '../utils/http-session.js';

/** Cases per property class: `ABUSE_RUNS` overrides (e.g. 200 for a quick local run, 5000 for a soak). */
export const RUNS = Number(process.env.ABUSE_RUNS ?? 1000);

/** fast-check settings shared by every class: a fixed seed per run is printed on failure, so a case replays. */
export const FC = { numRuns: RUNS, endOnFailure: true } as const;

/** The property every abuse class checks: a client error, never a server error. */
export function expect4xx(res: HttpResult, input: unknown): void {
  if (res.status < 400 || res.status >= 500) {
    throw new Error(`expected 4xx, got ${res.status} ${JSON.stringify(res.body)?.slice(0, 300)} for input ${JSON.stringify(input)?.slice(0, 300)}`);
  }
}

/** Rows of one municipality in every table a client-level write touches (and the audit log and outbox). */
export async function rowCounts(ds: DataSource, municipalityId: string): Promise<Record<string, number>> {
  const [r] = await ds.query(
    `SELECT (SELECT count(*) FROM client WHERE municipality_id = $1)::int AS client,
            (SELECT count(*) FROM episode WHERE municipality_id = $1)::int AS episode,
            (SELECT count(*) FROM response WHERE municipality_id = $1)::int AS response,
            (SELECT count(*) FROM response_answer a JOIN response r ON r.id = a.response_id WHERE r.municipality_id = $1)::int AS response_answer,
            (SELECT count(*) FROM scale_score s JOIN response r ON r.id = s.response_id WHERE r.municipality_id = $1)::int AS scale_score,
            (SELECT count(*) FROM goal WHERE municipality_id = $1)::int AS goal,
            (SELECT count(*) FROM follow_up_note WHERE municipality_id = $1)::int AS follow_up_note,
            (SELECT count(*) FROM outbox WHERE municipality_id = $1)::int AS outbox,
            (SELECT count(*) FROM audit_event WHERE municipality_id = $1)::int AS audit_event,
            (SELECT count(*) FROM idempotency_record i JOIN app_user u ON u.id = i.user_id WHERE u.municipality_id = $1)::int AS idempotency_record,
            (SELECT string_agg(id || state || coalesce(done_on::text, ''), ',' ORDER BY id) FROM occasion WHERE municipality_id = $1) AS occasions`,
    [municipalityId],
  );
  return r;
}

/** Runs one abuse class and checks that nothing was stored by it. */
export async function nothingStored(ds: DataSource, municipalityId: string, body: () => Promise<void>): Promise<void> {
  const before = await rowCounts(ds, municipalityId);
  await body();
  expect(await rowCounts(ds, municipalityId)).toEqual(before);
}

/** 'YYYY-MM-DD' plus n days. */
export function plusDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
