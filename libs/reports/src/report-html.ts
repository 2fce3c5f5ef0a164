import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import type { Chart, ReportModel } from './report-model.js';

/**
 * The report templates live with the other views in apps/api/views/reports (the API and the worker ship in one
 * image); found from this file in the sources (tests) and in dist/ (production) alike. Read as files, not imported.
 */
export function reportViewsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'apps/api/views/reports');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('apps/api/views/reports not found above libs/reports');
    dir = parent;
  }
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Bar colours (GOV.UK palette, distinguishable in greyscale print), one per segment tone. */
const TONES = ['#1d70b8', '#b1b4b6', '#d4351c'];
const TONE_PATTERNS = ['', '', 'url(#hatch)'];

/**
 * A horizontal bar chart as inline SVG, drawn at generation time: deterministic (same figures, same bytes), readable
 * without a browser or scripts, printed as vectors in the PDF. It is `role="img"` with a title and a description that
 * points to the table holding the same figures. A suppressed bar is left empty and labelled "..".
 */
export function barChartSvg(chart: Chart): string {
  const labelWidth = 220;
  const barWidth = 360;
  const rowHeight = 26;
  const legendHeight = chart.legend.length > 1 ? 24 : 0;
  const height = legendHeight + chart.bars.length * rowHeight + 8;
  const width = labelWidth + barWidth + 150;
  const max = chart.kind === 'percent' ? 1 : Math.max(1, ...chart.bars.flatMap((b) => b.segments.map((s) => s.value ?? 0)));
  const id = esc(chart.id);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
    `<title id="${id}-title">${esc(chart.title)}</title>`,
    `<desc id="${id}-desc">${esc(chart.bars.map((b) => `${b.label}: ${b.segments.map((s) => s.text).join(' / ')}`).join('; '))}</desc>`,
    `<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="${TONES[2]}"/><line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern></defs>`,
  );
  if (legendHeight) {
    let x = labelWidth;
    chart.legend.forEach((l, i) => {
      out.push(`<rect x="${x}" y="6" width="12" height="12" fill="${TONE_PATTERNS[i] || TONES[i % TONES.length]}"/>`, `<text x="${x + 16}" y="16" class="legend">${esc(l)}</text>`);
      x += 16 + l.length * 7 + 18;
    });
  }
  chart.bars.forEach((bar, r) => {
    const y = legendHeight + r * rowHeight + 4;
    out.push(`<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end" class="label">${esc(bar.label.length > 34 ? `${bar.label.slice(0, 33)}…` : bar.label)}</text>`);
    let x = labelWidth;
    const hidden = bar.segments.some((s) => s.value === null);
    if (hidden) {
      out.push(`<rect x="${labelWidth}" y="${y}" width="${barWidth}" height="18" fill="none" stroke="#b1b4b6" stroke-dasharray="3 3"/>`, `<text x="${labelWidth + 6}" y="${y + 14}" class="value">..</text>`);
      return;
    }
    bar.segments.forEach((s) => {
      const w = Math.round(((s.value ?? 0) / max) * barWidth * 10) / 10;
      if (w > 0) out.push(`<rect x="${Math.round(x * 10) / 10}" y="${y}" width="${w}" height="18" fill="${TONE_PATTERNS[s.tone] || TONES[s.tone % TONES.length]}"/>`);
      x += w;
    });
    const text = bar.segments.map((s) => s.text).join(' / ');
    out.push(`<text x="${Math.round((x + 6) * 10) / 10}" y="${y + 14}" class="value">${esc(text)}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}

let env: nunjucks.Environment | null = null;

function environment(): nunjucks.Environment {
  if (env) return env;
  env = new nunjucks.Environment(new nunjucks.FileSystemLoader(reportViewsDir(), { noCache: false }), { autoescape: true, throwOnUndefined: false });
  env.addGlobal('chartSvg', (chart: Chart) => new nunjucks.runtime.SafeString(barChartSvg(chart)));
  return env;
}

/** The report as one self-contained HTML document (inline CSS and SVG, no scripts, no generation time). */
export function renderReportHtml(model: ReportModel): Buffer {
  const html = environment().render('report.njk', { r: model });
  return Buffer.from(html, 'utf8');
}

export function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}
