import type { DataSource, EntityManager } from 'typeorm';
import { OrgUnitKind, Role } from '#domain';
import { hashPassword } from '#access';
import { type Answers, type InstrumentDefinition, scoreResponse } from '#instruments';
import { OrgUnitRepository } from '#persistence';

export const DEMO_PASSWORD = 'matpunkt-demo';

export const DEMO_USERS = [
  { username: 'admin', name: 'Alva Admin', role: Role.Admin, unit: 'SOC' },
  { username: 'enhetschef', name: 'Erik Enhetschef', role: Role.UnitHead, unit: 'VUX' },
  { username: 'handlaggare', name: 'Hanna Handläggare', role: Role.Caseworker, unit: 'VUX-BER' },
  { username: 'handlaggare2', name: 'Hugo Handläggare', role: Role.Caseworker, unit: 'BOF' },
  { username: 'analytiker', name: 'Ada Analytiker', role: Role.Analyst, unit: 'SOC' },
  { username: 'politiker', name: 'Per Politiker', role: Role.Politician, unit: 'SOC' },
] as const;

const UNITS = [
  { code: 'SOC', parent: null, kind: OrgUnitKind.Administration, name: 'Socialförvaltningen' },
  { code: 'VUX', parent: 'SOC', kind: OrgUnitKind.Unit, name: 'Vuxenenheten' },
  { code: 'VUX-BER', parent: 'VUX', kind: OrgUnitKind.Team, name: 'Team Beroende' },
  { code: 'VUX-PSY', parent: 'VUX', kind: OrgUnitKind.Team, name: 'Team Psykosocialt stöd' },
  { code: 'BOF', parent: 'SOC', kind: OrgUnitKind.Unit, name: 'Barn och familj' },
  { code: 'BOF-FST', parent: 'BOF', kind: OrgUnitKind.Team, name: 'Team Föräldrastöd' },
] as const;

const METHODS = [
  { code: 'AP', name: 'Återfallsprevention', team: 'VUX-BER', status: 'method_guide', instruments: ['audit', 'dudit', 'who5'], clients: 130 },
  { code: 'PSY', name: 'Psykosocialt stöd (SKILLSS)', team: 'VUX-PSY', status: 'eleven_element_model', instruments: ['phq9', 'gad7', 'who5'], clients: 120 },
  { code: 'FST', name: 'Föräldrastöd i grupp', team: 'BOF-FST', status: 'not_assessed', instruments: ['who5', 'phq9'], clients: 70 },
] as const;

/** Deterministic PRNG (mulberry32), so every fresh demo database looks the same. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const day = 86_400_000;
const iso = (d: Date) => d.toISOString().slice(0, 10);
const addMonths = (d: Date, n: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, d.getUTCDate()));

/** Answers whose item values track a latent severity in [0, 1] (higher = worse), with noise. */
function answersFor(def: InstrumentDefinition, severity: number, rand: () => number): Answers {
  const answers: Answers = {};
  for (const item of def.items) {
    if (item.type !== 'likert' || !item.options?.length) continue;
    if (!def.scales.some((s) => s.items.includes(item.id))) continue;
    const values = item.options.map((o) => o.value as number).sort((a, b) => a - b);
    const betterHigh = def.scales.find((s) => s.items.includes(item.id))?.direction === 'higher_is_better';
    const level = Math.min(1, Math.max(0, (betterHigh ? 1 - severity : severity) + (rand() - 0.5) * 0.35));
    answers[item.id] = values[Math.min(values.length - 1, Math.round(level * (values.length - 1)))]!;
  }
  return answers;
}

/**
 * Seeds a demo municipality on an empty database: org tree, one user per role, three methods with
 * measurement plans, and ~320 clients with episodes, occasions and scored responses over 2.5 years.
 * Returns false when the database already has a municipality.
 */
export async function seedDemo(ds: DataSource, today = new Date()): Promise<boolean> {
  const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM municipality`);
  if (n > 0) return false;
  const rand = prng(20261130);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await ds.transaction(async (m: EntityManager) => {
    const [mun] = await m.query(`INSERT INTO municipality (code, name, client_code_prefix) VALUES ('0999', 'Exempelkommun', 'K') RETURNING id`);
    const units = new OrgUnitRepository(m);
    const unitIds = new Map<string, string>();
    for (const u of UNITS) {
      const row = await units.create(mun.id, { parentId: u.parent ? unitIds.get(u.parent)! : null, kind: u.kind, code: u.code, name: u.name });
      unitIds.set(u.code, row.id);
    }
    const userIds = new Map<string, string>();
    for (const u of DEMO_USERS) {
      const [row] = await m.query(
        `INSERT INTO app_user (municipality_id, username, display_name, password_hash) VALUES ($1, $2, $3, $4) RETURNING id`,
        [mun.id, u.username, u.name, passwordHash],
      );
      userIds.set(u.username, row.id);
      await m.query(`INSERT INTO membership (user_id, org_unit_id, role) VALUES ($1, $2, $3)`, [row.id, unitIds.get(u.unit), u.role]);
    }
    const instruments = new Map<string, { id: string; versionId: string; def: InstrumentDefinition }>();
    for (const r of await m.query(
      `SELECT i.id, i.code, v.id AS version_id, v.definition FROM instrument i
         JOIN instrument_version v ON v.instrument_id = i.id
        WHERE i.municipality_id IS NULL AND v.version = (SELECT max(version) FROM instrument_version WHERE instrument_id = i.id)`,
    )) {
      instruments.set(r.code, { id: r.id, versionId: r.version_id, def: r.definition });
    }
    let clientNumber = 0;
    for (const method of METHODS) {
      const [meth] = await m.query(
        `INSERT INTO method (municipality_id, code, name, description, evidence_status) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [mun.id, method.code, method.name, `Demometod: ${method.name}.`, method.status],
      );
      const [plan] = await m.query(`INSERT INTO measurement_plan (method_id) VALUES ($1) RETURNING id`, [meth.id]);
      const used = method.instruments.filter((c) => instruments.has(c));
      for (const kind of ['start', 'follow_up', 'close']) {
        for (const code of used) {
          await m.query(`INSERT INTO measurement_plan_instrument (plan_id, occasion_kind, instrument_id) VALUES ($1, $2, $3)`, [plan.id, kind, instruments.get(code)!.id]);
        }
      }
      const teamId = unitIds.get(method.team)!;
      const caseworker = method.team === 'BOF-FST' ? userIds.get('handlaggare2')! : userIds.get('handlaggare')!;
      for (let c = 0; c < method.clients; c++) {
        clientNumber++;
        const sex = rand() < 0.52 ? 'female' : 'male';
        const birthYear = 1950 + Math.floor(rand() * 55);
        const [client] = await m.query(
          `INSERT INTO client (municipality_id, pseudonym, home_unit_id, birth_year, sex) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [mun.id, `K-${String(clientNumber).padStart(6, '0')}`, teamId, birthYear, sex],
        );
        const start = new Date(today.getTime() - Math.floor(rand() * 900 + 10) * day);
        const closed = rand() < 0.5 && today.getTime() - start.getTime() > 200 * day;
        const close = closed ? new Date(Math.min(today.getTime() - day, start.getTime() + Math.floor(180 + rand() * 360) * day)) : null;
        const reason = close ? (rand() < 0.75 ? 'completed_as_planned' : 'ended_early_by_client') : null;
        const [episode] = await m.query(
          `INSERT INTO episode (municipality_id, client_id, method_id, org_unit_id, plan_id, caseworker_user_id, start_date, close_date, close_reason)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
          [mun.id, client.id, meth.id, teamId, plan.id, caseworker, iso(start), close ? iso(close) : null, reason],
        );
        const occasions: { kind: string; seq: number; due: Date; before: number; after: number }[] = [{ kind: 'start', seq: 0, due: start, before: 14, after: 30 }];
        for (let k = 1; k <= 4; k++) {
          const due = addMonths(start, 6 * k);
          if ((close && due >= close) || due.getTime() > today.getTime() + 200 * day) break;
          occasions.push({ kind: 'follow_up', seq: k, due, before: 30, after: 30 });
        }
        if (close) occasions.push({ kind: 'close', seq: 0, due: close, before: 30, after: 14 });
        const baseline = 0.35 + rand() * 0.5;
        const responder = rand() < 0.7;
        for (const o of occasions) {
          const windowEnd = new Date(o.due.getTime() + o.after * day);
          const past = o.due.getTime() <= today.getTime();
          const done = past && rand() < 0.85 ? new Date(Math.min(today.getTime(), o.due.getTime() + Math.floor(rand() * (o.after + 10)) * day)) : null;
          const state = done ? 'done' : !past ? 'planned' : windowEnd.getTime() < today.getTime() ? (rand() < 0.5 ? 'missed' : 'overdue') : 'due';
          const [occ] = await m.query(
            `INSERT INTO occasion (municipality_id, episode_id, kind, seq, due_date, window_start, window_end, state, missed_reason, done_on)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
            [mun.id, episode.id, o.kind, o.seq, iso(o.due), iso(new Date(o.due.getTime() - o.before * day)), iso(windowEnd), state,
             state === 'missed' ? 'Brukaren kom inte till uppföljningen.' : null, done ? iso(done) : null],
          );
          if (!done) continue;
          const months = (o.due.getTime() - start.getTime()) / (30 * day);
          const severity = Math.max(0.02, baseline - (responder ? 0.045 : 0.008) * months);
          for (const code of used) {
            const inst = instruments.get(code)!;
            const answers = answersFor(inst.def, severity, rand);
            const scores = scoreResponse(inst.def, answers, { sex });
            const [resp] = await m.query(
              `INSERT INTO response (municipality_id, occasion_id, episode_id, client_id, instrument_id, instrument_version_id, answered_on, respondent, mode, recorded_by)
               VALUES ($1, $2, $3, $4, $5, $6, $7, 'client', 'with_caseworker', $8) RETURNING id`,
              [mun.id, occ.id, episode.id, client.id, inst.id, inst.versionId, iso(done), caseworker],
            );
            const entries = Object.entries(answers);
            await m.query(
              `INSERT INTO response_answer (response_id, item_id, value_numeric) SELECT $1, unnest($2::text[]), unnest($3::numeric[])`,
              [resp.id, entries.map(([k]) => k), entries.map(([, v]) => v)],
            );
            for (const s of scores) {
              await m.query(
                `INSERT INTO scale_score (response_id, scale_id, raw, valid, invalid_reason, band, is_case, prorated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
                [resp.id, s.scaleId, s.raw, s.valid, s.invalidReason?.code ?? null, s.band?.label.sv ?? null, s.isCase ?? null, s.prorated],
              );
            }
          }
        }
      }
    }
    await m.query(`UPDATE municipality SET next_client_number = $2 WHERE id = $1`, [mun.id, clientNumber + 1]);
  });
  return true;
}
