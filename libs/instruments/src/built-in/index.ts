import type { InstrumentDefinition } from '../definition.types.js';
import { AUDIT } from './audit.js';
import { DUDIT } from './dudit.js';
import { GAD7 } from './gad7.js';
import { PHQ9 } from './phq9.js';
import { WHO5 } from './who5.js';

export { AUDIT, DUDIT, GAD7, PHQ9, WHO5 };

/** The instruments free to reproduce that ship with the platform; licensed ones are defined by each municipality. */
export const BUILT_IN_INSTRUMENTS: readonly InstrumentDefinition[] = [PHQ9, GAD7, WHO5, AUDIT, DUDIT];
