import type { EpisodeResponsesView, ScaleReference } from '../responses/response-reads.service.js';
import type { Translate } from './i18n/i18n.js';
import { formatNumber } from './i18n/i18n.js';
import { occasionLabel } from './labels.js';
import type { Locale } from './locale.js';

export interface ProgressPoint {
  occasionId: string;
  label: string;
  answeredOn: string;
  score: number;
  band: string | null;
  isCase: boolean | null;
  /** Change from the baseline, in scale points (the scale's own sign); null at the baseline itself. */
  change: number | null;
}

export interface ProgressChart {
  instrumentCode: string;
  scaleId: string;
  name: string;
  direction: ScaleReference['direction'];
  points: ProgressPoint[];
  baseline: number | null;
  cutoff: number | null;
  /** The reliable-change band around the baseline: changes inside it are within the measurement error. */
  band: { lower: number; upper: number; points: number } | null;
  /** One or two plain sentences a client understands. */
  sentences: string[];
  /** The figures for chart.js (the table beside the chart shows the same). */
  chartJson: string;
}

/**
 * One client's progress on each scale of an episode: valid scores over occasions, the baseline (the start
 * occasion's valid score, DOMAIN.md), the cut-off and the reliable-change band, and the sentence said aloud.
 */
export function progressCharts(view: EpisodeResponsesView, t: Translate, locale: Locale): ProgressChart[] {
  const charts: ProgressChart[] = [];
  for (const scale of view.scales) {
    const points: ProgressPoint[] = [];
    let baseline: number | null = null;
    for (const occasion of view.occasions) {
      for (const response of occasion.responses) {
        if (response.instrument.code !== scale.instrument.code) continue;
        const score = response.scores.find((s) => s.scaleId === scale.scaleId);
        if (!score || !score.valid || score.raw === null) continue;
        if (occasion.kind === 'start' && baseline === null) baseline = score.raw;
        points.push({
          occasionId: occasion.id,
          label: `${occasionLabel(t, occasion)} (${response.answeredOn})`,
          answeredOn: response.answeredOn,
          score: score.raw,
          band: score.band ? score.band.label[locale] || score.band.label.sv : null,
          isCase: score.isCase,
          change: null,
        });
      }
    }
    if (points.length === 0) continue;
    for (const p of points) p.change = baseline === null || p === points[0] ? null : round(p.score - baseline);
    const rc = scale.reliableChange;
    const band = baseline !== null && rc ? { lower: round(baseline - rc.points), upper: round(baseline + rc.points), points: round(rc.points) } : null;
    const name = scale.name[locale] || scale.name.sv;
    const chart = {
      instrumentCode: scale.instrument.code,
      scaleId: scale.scaleId,
      name,
      direction: scale.direction,
      points,
      baseline,
      cutoff: scale.cutoff?.value ?? null,
      band,
      sentences: sentences(t, locale, scale, points, baseline),
    };
    charts.push({
      ...chart,
      chartJson: JSON.stringify({
        label: t('progress.chartLabel', { name }),
        points: points.map((p) => ({ label: p.label, score: p.score })),
        cutoff: chart.cutoff,
        band,
        min: scale.range?.min ?? null,
        max: scale.range?.max ?? null,
        text: { score: t('progress.legend.score'), cutoff: t('progress.legend.cutoff'), band: t('progress.legend.band'), bandUpper: 'upper', axis: t('progress.axis') },
      }),
    });
  }
  return charts;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/**
 * "Din skattning har sjunkit med 7 poäng sedan starten, mer än mätfelet." — direction-aware: whether a fall is
 * good news depends on the scale (PHQ-9: lower is better; WHO-5: higher is better).
 */
export function sentences(t: Translate, locale: Locale, scale: ScaleReference, points: ProgressPoint[], baseline: number | null): string[] {
  const latest = points[points.length - 1]!;
  const n = (v: number) => formatNumber(locale, Math.abs(v), 1);
  const out: string[] = [];
  if (baseline === null) {
    out.push(t('progress.sentence.noBaseline', { score: n(latest.score) }));
  } else if (points.length === 1 || latest.change === null) {
    out.push(t('progress.sentence.first', { score: n(latest.score) }));
  } else if (latest.change === 0) {
    out.push(t('progress.sentence.same', { score: n(latest.score) }));
  } else {
    const rc = scale.reliableChange;
    const size = Math.abs(latest.change);
    // A published threshold counts inclusively (PHQ-9: 6 or more); the RCI strictly (|RCI| > z), as libs/statistics does.
    const reliable = rc ? (rc.kind === 'threshold' ? size >= rc.points : size > rc.points) : null;
    const verb = latest.change < 0 ? t('progress.verb.down') : t('progress.verb.up');
    const better = scale.direction === 'higher_is_better' ? latest.change > 0 : latest.change < 0;
    if (reliable === null) out.push(t('progress.sentence.changedNoError', { verb, n: n(size) }));
    else if (reliable) {
      out.push(t('progress.sentence.reliable', { verb, n: n(size) }));
      out.push(better ? t('progress.sentence.better') : t('progress.sentence.worse'));
    } else out.push(t('progress.sentence.notReliable', { n: n(size) }));
  }
  const cutoff = scale.cutoff?.value;
  if (cutoff !== undefined && latest.isCase !== null) {
    out.push(latest.isCase ? t('progress.sentence.case', { cutoff: n(cutoff) }) : t('progress.sentence.notCase', { cutoff: n(cutoff) }));
  }
  return out;
}
