import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Role } from '#domain';
import { createEpisodeWorld, type EpisodeWorld } from '../factories/episode.factory.js';
import { WorldFactory } from '../factories/world.factory.js';
import { HttpSession } from '../utils/http-session.js';
import { createTestApp, type TestApp } from '../utils/test-app.js';
import { expect4xx, FC, nothingStored, RUNS } from './abuse-helpers.js';

const TODAY = '2026-03-16';

let t: TestApp;
let ew: EpisodeWorld;
let page: EpisodeWorld;
/** Goals spread over several episodes: a goal write reads the episode's goals back, so one long list would grow quadratically. */
const goalEpisodes: string[] = [];
let caseworker: HttpSession;
let unitHead: HttpSession;

beforeAll(async () => {
  t = await createTestApp({ today: TODAY });
  ew = await createEpisodeWorld(t.dataSource, { instruments: ['phq9'], startDate: '2026-03-02', today: TODAY });
  page = await createEpisodeWorld(t.dataSource, { instruments: ['phq9'], startDate: '2026-03-02', today: TODAY, world: ew.world, caseworker: ew.caseworker });
  for (let i = 0; i < 10; i++) {
    goalEpisodes.push((await createEpisodeWorld(t.dataSource, { instruments: ['phq9'], startDate: '2026-03-02', today: TODAY, world: ew.world, caseworker: ew.caseworker })).episode.id);
  }
  caseworker = await HttpSession.signIn(t.baseUrl, ew.caseworker.username);
  unitHead = await HttpSession.signIn(t.baseUrl, (await new WorldFactory(t.dataSource).user(ew.world.municipalityId, Role.UnitHead, ew.world.unitA)).username);
});

afterAll(async () => {
  await t?.close();
});

const FRAGMENTS = [
  "'; DROP TABLE goal; --",
  "' OR '1'='1",
  '1; SELECT pg_sleep(10)',
  "$$; DELETE FROM client; $$",
  '\\x00\\\\',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg/onload=alert(1)>',
  '{{ 7*7 }}',
  '{% raw %}',
  '${process.exit()}',
  '&amp;&lt;&#x27;',
  '=HYPERLINK("http://x")',
  '+SUM(1)',
  '-1+1',
  '@cmd',
  '\t\r\n',
  'Åsa Öberg-Ängström',
  '🧑‍🤝‍🧑 👩🏽‍⚕️',
  '\u202eevil',
  '\u00a0\u2028\u2029',
];
/** Text a person could write, with SQL, HTML, template and formula fragments: valid Unicode, no NUL. */
const weirdText = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 10 })), { minLength: 1, maxLength: 8 })
  .map((parts) => parts.join(''))
  .filter((s) => s.length >= 1 && s.length <= 1000 && !s.includes('\u0000') && !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s));

describe('SQL and HTML in free text', () => {
  it('a goal text is stored verbatim and returned verbatim (JSON)', async () => {
    await fc.assert(
      fc.asyncProperty(weirdText, fc.nat(9), async (text, i) => {
        const res = await caseworker.post(`/api/v1/episodes/${goalEpisodes[i]}/goals`, { text });
        expect(res.status).toBe(201);
        expect(res.body.text).toBe(text);
        const [row] = await t.dataSource.query(`SELECT text FROM goal WHERE id = $1`, [res.body.id]);
        expect(row.text).toBe(text);
      }),
      // A goal write is the slowest request here (goal, outbox, audit, the episode's goals read back).
      { ...FC, numRuns: Math.min(RUNS, 600) },
    );
    const list = await caseworker.get(`/api/v1/episodes/${goalEpisodes[0]}/goals`);
    expect(list.status).toBe(200);
    const stored = await t.dataSource.query(`SELECT id, text FROM goal WHERE episode_id = $1`, [goalEpisodes[0]]);
    const byId = new Map(stored.map((g: { id: string; text: string }) => [g.id, g.text]));
    expect(list.body.goals).toHaveLength(stored.length);
    for (const g of list.body.goals) expect(g.text).toBe(byId.get(g.id));
  });

  it('a unit note text is stored verbatim and returned verbatim (JSON)', async () => {
    await fc.assert(
      fc.asyncProperty(weirdText, async (text) => {
        const res = await unitHead.post('/api/v1/notes', { kind: 'staff_meeting', orgUnitId: ew.world.unitA.id, heldOn: TODAY, text });
        expect(res.status).toBe(201);
        expect(res.body.text).toBe(text);
        const [row] = await t.dataSource.query(`SELECT text FROM follow_up_note WHERE id = $1`, [res.body.id]);
        expect(row.text).toBe(text);
      }),
      { ...FC, numRuns: Math.min(RUNS, 500) },
    );
  });

  it('text that is not valid Unicode text (NUL, lone surrogates) is a 4xx, nothing stored', async () => {
    const broken = fc
      .tuple(weirdText, fc.constantFrom('\u0000', '\ud800', '\udfff', 'a\udc00b', '\ud83d'), fc.nat())
      .map(([s, bad, at]) => s.slice(0, at % (s.length + 1)) + bad + s.slice(at % (s.length + 1)));
    await nothingStored(t.dataSource, ew.world.municipalityId, () =>
      fc.assert(
        fc.asyncProperty(broken, fc.constantFrom('goal', 'note', 'missed'), async (text, where) => {
          const res =
            where === 'goal'
              ? await caseworker.post(`/api/v1/episodes/${ew.episode.id}/goals`, { text })
              : where === 'note'
                ? await unitHead.post('/api/v1/notes', { kind: 'staff_meeting', orgUnitId: ew.world.unitA.id, heldOn: TODAY, text })
                : await caseworker.post(`/api/v1/occasions/${ew.occasions[1]!.id}/missed`, { reason: `xyz${text}` });
          expect4xx(res, { text, where });
        }),
        FC,
      ),
    );
  });

  it('regression: a NUL in a missed-occasion reason was a 500 (PostgreSQL refuses NUL); now a 400', async () => {
    await nothingStored(t.dataSource, ew.world.municipalityId, async () => {
      const res = await caseworker.post(`/api/v1/occasions/${ew.occasions[1]!.id}/missed`, { reason: 'Sjuk\u0000dom' });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('REQUEST.INVALID_TEXT');
    });
  });

  it('the web UI renders such text escaped (client page)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg/onload=alert(1)>', "'><b>x</b>"), fc.string({ unit: 'grapheme', maxLength: 10 }), async (html, noise) => {
        const text = `${noise}${html}`;
        const res = await caseworker.post(`/api/v1/episodes/${page.episode.id}/goals`, { text });
        expect(res.status).toBe(201);
        const html200 = await caseworker.get(`/brukare/${page.client.id}`);
        expect(html200.status).toBe(200);
        expect(html200.headers.get('content-type')).toMatch(/text\/html/);
        const body = String(html200.body);
        expect(body).not.toContain(html);
        expect(body).toContain(html.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'));
      }),
      { ...FC, numRuns: Math.min(RUNS, 50) },
    );
  });
});

/** RFC 4180 with `;` as separator, as toCsv writes it: the fields of each line, unquoted. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ';') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

describe('formula prefixes in exports', () => {
  it('no text cell of a CSV export starts with = + - @ tab or CR, and every text survives after its neutralising quote', async () => {
    const { toCsv } = await import('../../libs/reports/src/spreadsheet.js');
    const cellText = fc.oneof(
      fc.tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r'), weirdText).map(([p, rest]) => `${p}${rest}`),
      weirdText,
    );
    await fc.assert(
      fc.property(fc.array(fc.array(fc.oneof(cellText, fc.integer({ min: -1000, max: 1000 }), fc.constant(null)), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const csv = toCsv({ name: 'Export', header: ['Enhet', 'Antal', 'Andel'], rows }).toString('utf8');
        expect(csv.startsWith('\uFEFF')).toBe(true);
        const parsed = parseCsv(csv.slice(1));
        expect(parsed).toHaveLength(rows.length + 1);
        rows.forEach((r, i) =>
          r.forEach((cell, j) => {
            const out = parsed[i + 1]![j]!;
            if (typeof cell === 'string') {
              expect(out).not.toMatch(/^[=+\-@\t\r]/);
              expect(out === cell || out === `'${cell}`).toBe(true);
            } else {
              expect(out).toBe(cell === null ? '..' : String(cell));
            }
          }),
        );
      }),
      { ...FC, numRuns: RUNS },
    );
  });
});
