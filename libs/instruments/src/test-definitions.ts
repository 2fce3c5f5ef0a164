// Small hand-made definitions shared by the specs (not exported from the library).
import type { InstrumentDefinition } from './definition.types.js';

const t = (s: string) => ({ sv: s, en: s });

/** Three 1–5 items, the second reversed; item c weighted 0–3 over values 1–4 to exercise weights. */
export const REVERSE_DEF: InstrumentDefinition = {
  code: 'reverse_demo',
  version: 1,
  name: t('Reverse demo'),
  description: t('A small instrument with a reversed item'),
  licence: { kind: 'customer_supplied' },
  languageNote: { swedishText: 'english_placeholder', note: t('test') },
  items: [
    { id: 'a', text: t('A'), type: 'likert', required: true, options: [1, 2, 3, 4, 5].map((v) => ({ value: v, label: t(String(v)) })) },
    { id: 'b', text: t('B'), type: 'likert', required: true, options: [1, 2, 3, 4, 5].map((v) => ({ value: v, label: t(String(v)) })) },
    { id: 'c', text: t('C'), type: 'likert', required: true, options: [1, 2, 3, 4].map((v) => ({ value: v, label: t(String(v)), weight: v - 1 })) },
  ],
  scales: [
    { id: 'total', name: t('Total'), items: ['a', 'b', 'c'], scoring: 'sum', reverseItems: ['b', 'c'], maxMissing: 1, direction: 'higher_is_better' },
    { id: 'mean_ab', name: t('Mean A–B'), items: ['a', 'b'], scoring: 'mean', reverseItems: ['b'], maxMissing: 0, direction: 'higher_is_better' },
  ],
  citations: [],
};

/** One item of each type, for answer validation. */
export const MIXED_DEF: InstrumentDefinition = {
  code: 'mixed_demo',
  version: 1,
  name: t('Mixed demo'),
  description: t('One item of each type'),
  licence: { kind: 'customer_supplied' },
  languageNote: { swedishText: 'english_placeholder', note: t('test') },
  items: [
    { id: 'mood', text: t('Mood'), type: 'likert', required: true, options: [0, 1, 2].map((v) => ({ value: v, label: t(String(v)) })) },
    { id: 'nights', text: t('Nights slept well'), type: 'numeric', required: true, min: 0, max: 7 },
    { id: 'housed', text: t('Housed?'), type: 'yes_no', required: true },
    { id: 'comment', text: t('Comment'), type: 'free_text', required: false },
  ],
  scales: [{ id: 'score', name: t('Score'), items: ['mood', 'nights', 'housed'], scoring: 'sum', maxMissing: 1, direction: 'higher_is_better' }],
  citations: [],
};
