import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Role } from '#domain';
import { LOINC_SYSTEM, PHQ9 } from '#instruments';
import { WorldFactory, type TestUser } from '../factories/world.factory.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';

const BUILT_IN_CODES = ['audit', 'dudit', 'gad7', 'phq9', 'who5'];
const t = (sv: string, en: string) => ({ sv, en });

/** Shaped like ORS (four 0–10 lines, summed): a licensed instrument the municipality defines under its own licence. */
const ORS_LIKE = {
  code: 'ors_kommun',
  version: 1,
  name: t('Skattning av mående (kommunens ORS)', 'Outcome rating (the municipality’s ORS)'),
  description: t('Fyra skalor 0–10 om hur livet har varit den senaste veckan.', 'Four 0–10 scales on how life has been in the last week.'),
  licence: { kind: 'customer_supplied' },
  languageNote: { swedishText: 'unvalidated_translation', note: t('Kommunens egen översättning.', 'The municipality’s own translation.') },
  purpose: 'outcome',
  items: [
    { id: 'individually', text: t('Personligt', 'Individually'), type: 'numeric', required: true, min: 0, max: 10 },
    { id: 'interpersonally', text: t('Nära relationer', 'Interpersonally'), type: 'numeric', required: true, min: 0, max: 10 },
    { id: 'socially', text: t('Socialt', 'Socially'), type: 'numeric', required: true, min: 0, max: 10 },
    { id: 'overall', text: t('Övergripande', 'Overall'), type: 'numeric', required: true, min: 0, max: 10 },
  ],
  scales: [
    {
      id: 'total',
      name: t('Totalt', 'Total'),
      items: ['individually', 'interpersonally', 'socially', 'overall'],
      scoring: 'sum',
      maxMissing: 0,
      direction: 'higher_is_better',
    },
  ],
  citations: [],
};

const cqfFixture = () =>
  JSON.parse(readFileSync(new URL('../../libs/instruments/src/fhir/fixtures/Questionnaire-cqf-example-PHQ9.json', import.meta.url), 'utf8'));

let t0: TestApp;
let world: Awaited<ReturnType<WorldFactory['create']>>;
let users: Record<Role, TestUser>;
let otherAdmin: TestUser;
let otherMunicipalityId: string;

/** Instrument and version rows of one municipality (other test files write their own concurrently). */
async function storedRows(municipalityId: string): Promise<{ instruments: number; versions: number }> {
  const [r] = await t0.dataSource.query(
    `SELECT (SELECT count(*) FROM instrument WHERE municipality_id = $1)::int AS instruments,
            (SELECT count(*) FROM instrument_version v JOIN instrument i ON i.id = v.instrument_id WHERE i.municipality_id = $1)::int AS versions`,
    [municipalityId],
  );
  return r;
}

const signIn = (user: TestUser) => HttpSession.signIn(t0.baseUrl, user.username);

beforeAll(async () => {
  t0 = await createTestApp();
  const f = new WorldFactory(t0.dataSource);
  world = await f.create();
  users = {} as Record<Role, TestUser>;
  for (const role of Object.values(Role)) users[role] = await f.user(world.municipalityId, role, world.root);
  // The factory picks a random municipality code; make sure the second world really is another municipality.
  let other = await f.create();
  while (other.municipalityId === world.municipalityId) other = await f.create();
  otherMunicipalityId = other.municipalityId;
  otherAdmin = await f.user(other.municipalityId, Role.Admin, other.root);
});

afterAll(async () => {
  await t0?.close();
});

describe('listing', () => {
  it('shows the five built-ins to every role', async () => {
    expect(Object.keys(users)).toHaveLength(5);
    for (const user of Object.values(users)) {
      const res = await (await signIn(user)).get('/api/v1/instruments');
      expect({ role: user.role, status: res.status }).toEqual({ role: user.role, status: 200 });
      const builtIns = res.body.items.filter((i: { builtIn: boolean }) => i.builtIn);
      expect(builtIns.map((i: { code: string }) => i.code).sort()).toEqual(BUILT_IN_CODES);
    }
  });

  it('lists code, version, names, licence, purpose and versions without the items', async () => {
    const res = await (await signIn(users.politician)).get('/api/v1/instruments');
    const phq9 = res.body.items.find((i: { code: string }) => i.code === 'phq9');
    expect(phq9).toEqual({
      code: 'phq9',
      version: 1,
      name: PHQ9.name,
      licence: PHQ9.licence,
      purpose: 'outcome',
      builtIn: true,
      versions: [1],
    });
  });

  it('shows a built-in whole, latest or by version', async () => {
    const s = await signIn(users.caseworker);
    const latest = await s.get('/api/v1/instruments/phq9');
    expect(latest.status).toBe(200);
    expect(latest.body).toMatchObject({ code: 'phq9', version: 1, builtIn: true, versions: [1], definition: JSON.parse(JSON.stringify(PHQ9)) });
    expect((await s.get('/api/v1/instruments/phq9/versions/1')).body.definitionHash).toBe(latest.body.definitionHash);
    expect((await s.get('/api/v1/instruments/phq9/versions/2')).status).toBe(404);
    expect((await s.get('/api/v1/instruments/no_such_thing')).body.code).toBe('INSTRUMENT.NOT_FOUND');
  });
});

describe('a municipality-defined instrument', () => {
  let admin: HttpSession;

  beforeAll(async () => {
    admin = await signIn(users.admin);
  });

  it('is created by an admin (201) and seen only within the municipality', async () => {
    const created = await admin.post('/api/v1/instruments', { definition: ORS_LIKE });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: 'ors_kommun', version: 1, builtIn: false, versions: [1], definition: ORS_LIKE });
    expect(created.body.definitionHash).toMatch(/^[0-9a-f]{64}$/);

    const own = await (await signIn(users.analyst)).get('/api/v1/instruments');
    expect(own.body.items.find((i: { code: string }) => i.code === 'ors_kommun')).toMatchObject({ builtIn: false, licence: { kind: 'customer_supplied' } });
    expect((await admin.get('/api/v1/instruments/ors_kommun')).body.definition).toEqual(ORS_LIKE);

    const other = await signIn(otherAdmin);
    const list = await other.get('/api/v1/instruments');
    expect(list.body.items.map((i: { code: string }) => i.code).sort()).toEqual(BUILT_IN_CODES);
    for (const url of ['/api/v1/instruments/ors_kommun', '/api/v1/instruments/ors_kommun/versions/1', '/api/v1/instruments/ors_kommun/fhir']) {
      const res = await other.get(url);
      expect({ url, status: res.status, code: res.body.code }).toEqual({ url, status: 404, code: 'INSTRUMENT.NOT_FOUND' });
    }
    const version = await other.post('/api/v1/instruments/ors_kommun/versions', { definition: { ...ORS_LIKE, version: 2 } });
    expect(version.status).toBe(404);
  });

  it('refuses an invalid definition with every field error, and stores nothing', async () => {
    const before = await storedRows(world.municipalityId);
    const broken = {
      ...ORS_LIKE,
      code: 'broken_one',
      name: { sv: 'Trasig' },
      items: [{ ...ORS_LIKE.items[0], min: 10, max: 0 }, ...ORS_LIKE.items.slice(1)],
      scales: [{ ...ORS_LIKE.scales[0], items: [...ORS_LIKE.scales[0].items, 'nowhere'] }],
    };
    const res = await admin.post('/api/v1/instruments', { definition: broken });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INSTRUMENT.INVALID_DEFINITION');
    expect(res.body.fields.map((f: { field: string }) => f.field)).toEqual(['name.en', 'items[0].max', 'scales[0].items[4]']);
    for (const f of res.body.fields) expect(f).toEqual({ field: expect.any(String), sv: expect.any(String), en: expect.any(String) });

    const notAnObject = await admin.post('/api/v1/instruments', { definition: [ORS_LIKE] });
    expect(notAnObject.status).toBe(400);
    expect(notAnObject.body.fields.map((f: { field: string }) => f.field)).toContain('definition');
    const extra = await admin.post('/api/v1/instruments', { definition: { ...ORS_LIKE, code: 'extra_one' }, municipalityId: otherMunicipalityId });
    expect(extra.status).toBe(400);
    expect(await storedRows(world.municipalityId)).toEqual(before);
  });

  it('refuses a code that is taken, by its own or by a built-in (409)', async () => {
    const before = await storedRows(world.municipalityId);
    const again = await admin.post('/api/v1/instruments', { definition: ORS_LIKE });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('INSTRUMENT.CODE_TAKEN');
    expect(again.body.message.sv).toContain('ors_kommun');
    const builtIn = await admin.post('/api/v1/instruments', { definition: { ...ORS_LIKE, code: 'phq9' } });
    expect(builtIn.status).toBe(409);
    expect(await storedRows(world.municipalityId)).toEqual(before);
  });

  it('lets another municipality use the same code for its own instrument', async () => {
    const res = await (await signIn(otherAdmin)).post('/api/v1/instruments', { definition: ORS_LIKE });
    expect(res.status).toBe(201);
  });

  it('gets a new version only with a higher version number', async () => {
    const changed = { ...ORS_LIKE, description: t('Ny beskrivning.', 'A new description.') };
    const same = await admin.post('/api/v1/instruments/ors_kommun/versions', { definition: changed });
    expect(same.status).toBe(409);
    expect(same.body).toMatchObject({ code: 'INSTRUMENT.VERSION_CONFLICT', fields: [{ field: 'version' }] });
    const unchanged = await admin.post('/api/v1/instruments/ors_kommun/versions', { definition: ORS_LIKE });
    expect(unchanged.status).toBe(409);
    const otherCode = await admin.post('/api/v1/instruments/ors_kommun/versions', { definition: { ...changed, code: 'ors_annan', version: 2 } });
    expect(otherCode.status).toBe(409);

    const next = await admin.post('/api/v1/instruments/ors_kommun/versions', { definition: { ...changed, version: 2 } });
    expect(next.status).toBe(201);
    expect(next.body).toMatchObject({ code: 'ors_kommun', version: 2, versions: [1, 2], definition: { description: changed.description } });
    expect((await admin.get('/api/v1/instruments/ors_kommun')).body.version).toBe(2);
    const announced = await t0.dataSource.query(
      `SELECT count(*)::int AS n FROM outbox o JOIN instrument i ON i.id::text = o.payload->>'instrumentId'
        WHERE o.topic = 'instrument.changed' AND i.code = 'ors_kommun' AND i.municipality_id = o.municipality_id`,
    );
    expect(announced[0].n).toBe(1);
    expect((await admin.get('/api/v1/instruments/ors_kommun/versions/1')).body.definition).toEqual(ORS_LIKE);
    for (const version of [1, 2]) {
      const notHigher = await admin.post('/api/v1/instruments/ors_kommun/versions', { definition: { ...changed, version } });
      expect(notHigher.status).toBe(409);
    }
    expect((await admin.get('/api/v1/instruments/ors_kommun')).body.versions).toEqual([1, 2]);
  });

  it('refuses roles without instrument administration (403), writing nothing', async () => {
    const before = await storedRows(world.municipalityId);
    for (const role of [Role.Caseworker, Role.UnitHead, Role.Analyst, Role.Politician]) {
      const s = await signIn(users[role]);
      const results = [
        await s.post('/api/v1/instruments', { definition: { ...ORS_LIKE, code: 'not_allowed' } }),
        await s.post('/api/v1/instruments/ors_kommun/versions', { definition: { ...ORS_LIKE, version: 9 } }),
        await s.post('/api/v1/instruments/import/fhir', (await s.get('/api/v1/instruments/phq9/fhir')).body),
      ];
      expect({ role, statuses: results.map((r) => r.status) }).toEqual({ role, statuses: [403, 403, 403] });
    }
    expect(await storedRows(world.municipalityId)).toEqual(before);
  });

  it('refuses a municipality a new version of a built-in (403, in Swedish and English)', async () => {
    const res = await admin.post('/api/v1/instruments/phq9/versions', { definition: { ...PHQ9, version: 2 } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('INSTRUMENT.BUILT_IN_READ_ONLY');
    expect(res.body.message.sv).toMatch(/inbyggt formulär/);
    expect(res.body.message.en).toMatch(/built-in instrument/);
    const [row] = await t0.dataSource.query(
      `SELECT count(*)::int AS n FROM instrument_version v JOIN instrument i ON i.id = v.instrument_id WHERE i.municipality_id IS NULL AND i.code = 'phq9'`,
    );
    expect(row.n).toBe(1);
  });
});

describe('FHIR', () => {
  it('exports PHQ-9 as a Questionnaire with its LOINC panel code 44249-1', async () => {
    const res = await (await signIn(users.politician)).get('/api/v1/instruments/phq9/fhir');
    expect(res.status).toBe(200);
    expect(res.body.resourceType).toBe('Questionnaire');
    expect(res.body.code).toEqual([{ system: LOINC_SYSTEM, code: '44249-1' }]);
    expect((await (await signIn(users.politician)).get('/api/v1/instruments/phq9/fhir?version=7')).status).toBe(404);
  });

  it('refuses the HL7 core PHQ-9 example without item 9 (422), naming the missing item, and stores nothing', async () => {
    const admin = await signIn(users.admin);
    const before = await storedRows(world.municipalityId);
    const res = await admin.post('/api/v1/instruments/import/fhir', cqfFixture());
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('INSTRUMENT.INCOMPLETE_BUILT_IN');
    for (const text of [res.body.message.sv, res.body.message.en]) {
      expect(text).toContain('phq9_9');
      expect(text).toContain('44260-8');
    }
    expect(res.body.fields).toEqual([{ field: 'item', sv: 'saknar phq9_9 (LOINC 44260-8)', en: 'lacks phq9_9 (LOINC 44260-8)' }]);
    expect(await storedRows(world.municipalityId)).toEqual(before);
  });

  it('refuses a body that is not a Questionnaire (400)', async () => {
    const admin = await signIn(users.admin);
    const res = await admin.post('/api/v1/instruments/import/fhir', { resourceType: 'Patient' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INSTRUMENT.INVALID_FHIR');
  });

  it('round-trips a municipality instrument: export, then import under a new code (201)', async () => {
    const admin = await signIn(users.admin);
    const exported = await admin.get('/api/v1/instruments/ors_kommun/fhir?version=1');
    expect(exported.status).toBe(200);
    expect(exported.body).toMatchObject({ resourceType: 'Questionnaire', name: 'ors_kommun', version: '1' });

    const clash = await admin.post('/api/v1/instruments/import/fhir', exported.body);
    expect(clash.status).toBe(409);

    const imported = await admin.post('/api/v1/instruments/import/fhir?code=ors_kopia', exported.body);
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ code: 'ors_kopia', version: 1, builtIn: false, versions: [1], warnings: [] });
    expect(imported.body.definition).toEqual({ ...ORS_LIKE, code: 'ors_kopia' });
    expect((await admin.get('/api/v1/instruments/ors_kopia')).status).toBe(200);
  });
});
