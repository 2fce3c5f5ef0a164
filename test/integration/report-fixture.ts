import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DataSource } from 'typeorm';
import { AggregationEngine } from '#aggregation';
import { OrgUnitKind } from '#domain';
import { OrgUnitRepository } from '#persistence';
import { CohortBuilder } from './aggregation-fixture.js';

export const REPORT_PERIOD = '2026-H1';
export const REPORT_TODAY = '2026-11-30';

/**
 * A hand-made cohort for result reports, period 2026-H1 (PHQ-9, reliable change ≥ 6, case ≥ 10):
 *   administration "Socialförvaltningen" (root of the world): 20 clients with method M in unit A, team A1 and unit B,
 *     baseline 12–21 in Jan–Mar 2026, follow-up in May 2026 (8 of them; 12 only measured at start)
 *   administration adm2 (a second root): 3 clients with method M2 — below k = 5 on every figure.
 * Municipality: 23 clients. A politician's report must hide adm2 (3) and also Socialförvaltningen (20), since
 * 23 − 20 = 3; the same for method M2 (3) and method M (20).
 */
export async function buildReportCohort(ds: DataSource, opts: { adm2Name?: string } = {}) {
  const c = await new CohortBuilder(ds).setup();
  const adm2 = await new OrgUnitRepository(ds).create(c.world.municipalityId, {
    parentId: null,
    kind: OrgUnitKind.Administration,
    code: `ADM2-${c.world.suffix}`,
    name: opts.adm2Name ?? 'Arbetsmarknadsförvaltningen',
  });
  const m2 = await c.method('M2');
  const units = [c.world.unitA, c.world.teamA1, c.world.unitB];
  for (let i = 0; i < 20; i++) {
    const unit = units[i % 3]!;
    const client = await c.client({ unitId: unit.id, sex: i % 2 ? 'female' : 'male', birthYear: 1960 + i });
    const start = `2026-0${1 + (i % 3)}-${String(5 + i).padStart(2, '0')}`;
    const e = await c.episode({ clientId: client, unitId: unit.id, start });
    await c.measure(e, 'start', 0, start, 12 + (i % 10));
    if (i < 8) await c.measure(e, 'follow_up', 1, `2026-05-${String(5 + i).padStart(2, '0')}`, i % 4 === 0 ? 14 + (i % 10) : 4 + (i % 7));
  }
  for (let i = 0; i < 3; i++) {
    const client = await c.client({ unitId: adm2.id, sex: 'female', birthYear: 1980 + i });
    const start = `2026-02-1${i}`;
    const e = await c.episode({ clientId: client, unitId: adm2.id, methodId: m2, start });
    await c.measure(e, 'start', 0, start, 18 + i);
    await c.measure(e, 'follow_up', 1, `2026-06-1${i}`, 5 + i);
  }
  await rebuildAggregates(ds, c.world.municipalityId);
  return { c, adm2, m2 };
}

export async function rebuildAggregates(ds: DataSource, municipalityId: string): Promise<void> {
  await new AggregationEngine(ds, async () => undefined, () => REPORT_TODAY).rebuild(municipalityId);
}

/** The text of every numeric cell of the report's tables. */
export function numericCells(html: string): string[] {
  return [...html.matchAll(/<td class="num"[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]!);
}

/** The cells of one table row by its label. */
export function rowCells(html: string, tableId: string, label: string): string[] {
  const table = new RegExp(`<table id="${tableId}"[^>]*>([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  const row = [...table.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!).find((r) => r.includes(`>${label}</th>`));
  return row ? [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]!) : [];
}

/** Renders every page of a PDF to PNG with poppler's pdftoppm; returns the page images' paths and sizes. */
export async function pdfPagesToPng(pdf: Buffer, keepDir?: string): Promise<{ file: string; bytes: number }[]> {
  const dir = keepDir ?? (await mkdtemp(join(tmpdir(), 'report-pages-')));
  await writeFile(join(dir, 'report.pdf'), pdf);
  await promisify(execFile)('pdftoppm', ['-png', '-r', '60', join(dir, 'report.pdf'), join(dir, 'page')]);
  const files = (await readdir(dir)).filter((f) => f.startsWith('page') && f.endsWith('.png')).sort();
  const out = await Promise.all(files.map(async (f) => ({ file: join(dir, f), bytes: (await stat(join(dir, f))).size })));
  if (!keepDir) {
    for (const o of out) await readFile(o.file);
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}
