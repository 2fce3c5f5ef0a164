import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role, swedishToday } from '#domain';
import { createQueueBackend, JobName, JobProducer, QueueName } from '#jobs';
import { latestCompletedPeriod, REPORT_SECTIONS, ReportRepository } from '#reports';
import { WorldFactory } from '../factories/world.factory.js';
import { type CohortBuilder, quiescent, waitFor } from '../integration/aggregation-fixture.js';
import { buildReportCohort } from '../integration/report-fixture.js';
import { HttpSession } from '../utils/http-session.js';
import { FaultStack, requireChromium } from './harness.js';

/*
 * The report trigger fired twice, with the worker and the API from dist/ on throwaway servers: the daily "schedule
 * due" job enqueued twice at once, and "generate now" asked twice at once through the API, for two definitions whose
 * latest period has ended. The worker prints the PDFs with Debian's Chromium: without it this file fails, by name.
 */
let stack: FaultStack;
let producer: JobProducer;
let c: CohortBuilder;
let admin: HttpSession;
const definitions: string[] = [];
const period = latestCompletedPeriod('half_year', swedishToday());

/** Reports stored per definition and period. */
async function reportCounts(): Promise<{ definition_id: string; period_key: string; n: number }[]> {
  return stack.ds.query(
    `SELECT definition_id, period_key, count(*)::int AS n FROM result_report WHERE municipality_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
    [c.world.municipalityId],
  );
}

/** Nothing left to run: no report job waiting, active or delayed (for a retry), no maintenance job waiting or active. */
async function queuesIdle(): Promise<boolean> {
  const reports = await producer.queue(QueueName.Reports).getJobCounts('waiting', 'active', 'delayed', 'prioritized');
  // Maintenance holds the nightly schedulers' next runs as delayed jobs: only waiting and active count here.
  const maintenance = await producer.queue(QueueName.Maintenance).getJobCounts('waiting', 'active', 'prioritized');
  return Object.values(reports).every((n) => n === 0) && Object.values(maintenance).every((n) => n === 0);
}

/** Both triggers, each fired twice at once. */
async function fireTwice(): Promise<void> {
  const due = { name: JobName.ReportScheduleDue, data: { trigger: 'manual', municipalityId: c.world.municipalityId } } as const;
  const answers = await Promise.all([
    producer.enqueue(due),
    producer.enqueue(due),
    ...definitions.flatMap((id) => [admin.post(`/api/v1/reports/definitions/${id}/generate`, { period }), admin.post(`/api/v1/reports/definitions/${id}/generate`, { period })]),
  ]);
  for (const a of answers.slice(2)) expect((a as { status: number }).status).toBe(202);
}

/** The "schedule due" jobs the worker has run. */
async function scheduleDueRuns() {
  return (await producer.queue(QueueName.Maintenance).getCompleted()).filter((j) => j.name === JobName.ReportScheduleDue);
}

async function settle(): Promise<void> {
  await waitFor(async () => (await reportCounts()).length === definitions.length && (await queuesIdle()), 90_000, 'every report generated and the queues idle');
  const failed = await producer.queue(QueueName.Reports).getFailed();
  expect(failed.map((j) => `${j.name} ${j.id}: ${j.failedReason}`)).toEqual([]);
}

beforeAll(async () => {
  requireChromium();
  stack = await new FaultStack().start();
  const cohort = await buildReportCohort(stack.ds);
  c = cohort.c;
  // An admin over both top administrations, so over the whole municipality (the politicians' definition's scope).
  const creator = await new WorldFactory(stack.ds).user(c.world.municipalityId, Role.Admin, c.world.root);
  await stack.ds.query(`INSERT INTO membership (user_id, org_unit_id, role) VALUES ($1, $2, $3)`, [creator.id, cohort.adm2.id, Role.Admin]);
  const reports = new ReportRepository(stack.ds);
  for (const [audience, scopeKind, scopeId] of [
    ['politicians', 'municipality', c.world.municipalityId],
    ['management', 'administration', c.world.root.id],
  ] as const) {
    const d = await reports.createDefinition({
      municipalityId: c.world.municipalityId,
      name: `Rapport ${audience}`,
      scopeKind,
      scopeId,
      audience,
      periodKind: 'half_year',
      sections: [...REPORT_SECTIONS],
      language: 'sv',
      createdBy: creator.id,
    });
    definitions.push(d.id);
  }
  producer = new JobProducer(createQueueBackend({ redisUrl: stack.redis.url, databaseUrl: stack.pg.url }));
  stack.worker.start();
  await stack.api.startReady();
  admin = await HttpSession.signIn(stack.api.baseUrl, creator.username);
  // The cohort's writes are aggregated first, so every generation reads the same figures.
  await waitFor(() => quiescent(stack.ds, c.world.municipalityId), 90_000, 'the worker to aggregate the cohort');
}, 180_000);

afterAll(async () => {
  await producer?.close();
  await stack?.stop();
}, 60_000);

describe('fault: the report trigger fires twice', () => {
  it('stores exactly one report per definition and period, with its PDF, however often it fires', async () => {
    await fireTwice();
    await settle();
    expect(await scheduleDueRuns()).toHaveLength(2);
    expect(await reportCounts()).toEqual(definitions.map((id) => ({ definition_id: id, period_key: period, n: 1 })).sort((a, b) => a.definition_id.localeCompare(b.definition_id)));
    const stored: { version: number; pdf: Buffer }[] = await stack.ds.query(`SELECT version, pdf FROM result_report WHERE municipality_id = $1`, [c.world.municipalityId]);
    for (const r of stored) {
      expect(r.version).toBe(1);
      expect(r.pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    }
    const firstRoundDone = Date.now();
    // Fired twice again once the reports exist: still one each (the data have not changed).
    await fireTwice();
    await settle();
    const runs = await scheduleDueRuns();
    expect(runs).toHaveLength(4);
    // The scheduler finds the reports and enqueues nothing; the manual regenerations find the same data and store nothing.
    expect(runs.filter((r) => r.finishedOn! > firstRoundDone).map((r) => r.returnvalue.enqueued)).toEqual([[], []]);
    expect((await reportCounts()).map((r) => r.n)).toEqual([1, 1]);
    expect(stack.worker.alive).toBe(true);
  }, 180_000);
});
