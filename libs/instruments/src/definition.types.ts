// The instrument definition format: plain, JSON-round-trippable data, validated by validateDefinition().

/** A text shown to users, in Swedish and in English. */
export interface LocalizedText {
  sv: string;
  en: string;
}

export type LicenceKind = 'free' | 'attribution' | 'customer_supplied';

export interface Licence {
  kind: LicenceKind;
  /** The notice to show with the instrument; required when kind is `attribution`. */
  text?: LocalizedText;
  url?: string;
}

/**
 * Status of the Swedish item wording:
 * - `validated_translation`: the Swedish text is the published, validated Swedish version;
 * - `unvalidated_translation`: Swedish text exists but is not the validated version;
 * - `english_placeholder`: the English text stands in both fields until the municipality loads the validated Swedish wording.
 */
export type SwedishTextStatus = 'validated_translation' | 'unvalidated_translation' | 'english_placeholder';

export interface LanguageNote {
  swedishText: SwedishTextStatus;
  note: LocalizedText;
}

export type InstrumentPurpose = 'outcome' | 'client_experience';

export type ItemType = 'likert' | 'numeric' | 'yes_no' | 'free_text';

/** An external code for one answer option (e.g. a LOINC answer code `LA6568-5`, or the code of an imported FHIR Questionnaire). */
export interface OptionCoding {
  system: string;
  code: string;
}

export interface ItemOption {
  /** The stored answer. */
  value: number;
  label: LocalizedText;
  /** The scored value, when it differs from `value`. */
  weight?: number;
  coding?: OptionCoding;
}

export interface Item {
  id: string;
  text: LocalizedText;
  type: ItemType;
  /** Form validation: the form asks for an answer. Scoring still tolerates up to the scale's `maxMissing`. */
  required: boolean;
  /** Required for `likert`, not allowed for other types. */
  options?: ItemOption[];
  /** Required for `numeric`, not allowed for other types. */
  min?: number;
  max?: number;
  loinc?: string;
}

export type ScaleScoring = 'sum' | 'mean';
export type ScaleDirection = 'higher_is_better' | 'higher_is_worse';

export interface Band {
  from: number;
  to: number;
  label: LocalizedText;
}

export interface Cutoff {
  /** The cut-off for everyone; may be left out when `bySex` is given. */
  value?: number;
  /** Whether a score equal to the cut-off is on the clinical side. */
  inclusive: boolean;
  bySex?: { female: number; male: number };
  /** Citation id. */
  source: string;
}

export interface RciReliableChange {
  kind: 'rci';
  sdRef: number;
  reliability: number;
  reliabilityKind: 'test_retest' | 'internal_consistency';
  /** Criterion; 1.96 when left out, 1.645 for a published 90 % criterion. */
  z?: number;
  source: string;
}

export interface ThresholdReliableChange {
  kind: 'threshold';
  points: number;
  source: string;
}

export type ReliableChange = RciReliableChange | ThresholdReliableChange;

export interface Scale {
  id: string;
  name: LocalizedText;
  items: string[];
  scoring: ScaleScoring;
  /** Scored as (min + max) − value over the item's option range. */
  reverseItems?: string[];
  /** How many items may be missing before the score is invalid; up to this many are prorated. */
  maxMissing: number;
  /** Citation id for the missing-item rule, where one is published. */
  maxMissingSource?: string;
  transform?: { multiply: number };
  direction: ScaleDirection;
  /** Ascending, contiguous severity bands over the scale's range. */
  bands?: Band[];
  /** Citation id for the bands; required when bands are given. */
  bandsSource?: string;
  cutoff?: Cutoff;
  reliableChange?: ReliableChange;
  /** LOINC code of the scale score (e.g. the PHQ-9 total 44261-6). */
  loinc?: string;
}

export interface Citation {
  id: string;
  text: string;
  url?: string;
  doi?: string;
}

/** A versioned instrument definition. A version used by a response is immutable: changes make a new version. */
export interface InstrumentDefinition {
  code: string;
  version: number;
  name: LocalizedText;
  description: LocalizedText;
  /** Shown before the items (e.g. "Over the last 2 weeks, how often…"). */
  instructions?: LocalizedText;
  licence: Licence;
  languageNote: LanguageNote;
  /** LOINC code of the panel (the instrument as a whole). */
  loinc?: string;
  purpose?: InstrumentPurpose;
  items: Item[];
  scales: Scale[];
  citations: Citation[];
}

/** An answer as stored: an option value or number, a yes/no, a free text, or null for "not answered". */
export type AnswerValue = number | boolean | string | null;
export type Answers = Record<string, AnswerValue | undefined>;

export type Sex = 'female' | 'male' | 'other' | 'unknown';
