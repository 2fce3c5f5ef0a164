import { type Direction } from './direction.js';
import { type CaseCutoff, classifyRecovery } from './clinical-significance.js';
import { type Share, type Summary, share, summarize } from './descriptive.js';
import { type BaselineLatestPair, type PrePostEffectSize, prePostEffectSize } from './effect-size.js';
import { type ChangeCriterion, classifyChange } from './reliable-change.js';

/** One client's valid scores on one scale; null where the occasion is missing or its score invalid. */
export interface ClientScaleScores {
  baseline: number | null;
  latest: number | null;
  /** The client's GAS T-score for the period, when goals were scaled. */
  gasTScore?: number | null;
}

/** The scale's rules, as the instrument definition publishes them. */
export interface ScaleRules {
  direction: Direction;
  criterion: ChangeCriterion;
  /** Without a cut-off there is no caseness, so the recovery figures are null. */
  cutoff?: CaseCutoff | null;
}

export interface GroupOutcomeSummary {
  nClients: number;
  /** Clients with both a baseline and a later score. */
  nPairs: number;
  /** nPairs / nClients. */
  completeness: Share;
  /** Baseline, latest and change are taken over the same clients (those with a pair), so the means subtract. */
  baseline: Summary;
  latest: Summary;
  /** latest − baseline with the scale's own sign. */
  change: Summary;
  effectSize: PrePostEffectSize;
  reliablyImproved: Share;
  noReliableChange: Share;
  reliablyDeteriorated: Share;
  /** Denominator: clients with a pair. Null without a cut-off. */
  casesAtBaseline: Share | null;
  /** Denominator: cases at baseline. */
  recovered: Share | null;
  reliablyRecovered: Share | null;
  /** Mean GAS T-score over clients that have one. */
  goalAttainment: Summary;
}

/**
 * The group figures of one scale: counts, completeness, means and SDs, change, pre-post d with CI, reliable-change
 * shares and recovery rates. Every figure carries its n (Summary.n, Share.denominator).
 *
 * Sources: Jacobson & Truax (1991), J Consult Clin Psychol 59(1), 12–19 (reliable change, recovery); Becker (1988),
 * BJMSP 41, 257–278 (pre-post d); Kiresuk & Sherman (1968), Community Ment Health J 4(6), 443–453 (GAS).
 */
export function groupOutcomeSummary(clients: readonly ClientScaleScores[], scale: ScaleRules): GroupOutcomeSummary {
  const pairs: BaselineLatestPair[] = clients
    .filter((c) => c.baseline != null && c.latest != null)
    .map((c) => ({ baseline: c.baseline as number, latest: c.latest as number }));
  const nPairs = pairs.length;

  let improved = 0;
  let deteriorated = 0;
  let cases = 0;
  let recovered = 0;
  let reliablyRecovered = 0;
  for (const { baseline, latest } of pairs) {
    const { category } = classifyChange({ baseline, latest, direction: scale.direction, criterion: scale.criterion });
    if (category === 'reliably_improved') improved++;
    if (category === 'reliably_deteriorated') deteriorated++;
    if (scale.cutoff) {
      const r = classifyRecovery({
        baseline,
        latest,
        direction: scale.direction,
        cutoff: scale.cutoff,
        criterion: scale.criterion,
      });
      if (r.caseAtBaseline) cases++;
      if (r.recovered) recovered++;
      if (r.reliablyRecovered) reliablyRecovered++;
    }
  }

  return {
    nClients: clients.length,
    nPairs,
    completeness: share(nPairs, clients.length),
    baseline: summarize(pairs.map((p) => p.baseline)),
    latest: summarize(pairs.map((p) => p.latest)),
    change: summarize(pairs.map((p) => p.latest - p.baseline)),
    effectSize: prePostEffectSize(pairs, scale.direction),
    reliablyImproved: share(improved, nPairs),
    noReliableChange: share(nPairs - improved - deteriorated, nPairs),
    reliablyDeteriorated: share(deteriorated, nPairs),
    casesAtBaseline: scale.cutoff ? share(cases, nPairs) : null,
    recovered: scale.cutoff ? share(recovered, cases) : null,
    reliablyRecovered: scale.cutoff ? share(reliablyRecovered, cases) : null,
    goalAttainment: summarize(clients.flatMap((c) => (c.gasTScore == null ? [] : [c.gasTScore]))),
  };
}
