import type { Citation } from '../definition.types.js';

// The published sources behind the built-in instruments' parameters; each definition carries the ones it uses.

export const KROENKE_2001: Citation = {
  id: 'kroenke2001',
  text: 'Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression severity measure. J Gen Intern Med. 2001;16(9):606–613.',
  doi: '10.1046/j.1525-1497.2001.016009606.x',
};

export const NHS_TALKING_THERAPIES_MANUAL: Citation = {
  id: 'nhs_talking_therapies_manual',
  text:
    'National Collaborating Centre for Mental Health / NHS England. The NHS Talking Therapies for Anxiety and Depression Manual ' +
    '(formerly The Improving Access to Psychological Therapies Manual, 2018). Caseness PHQ-9 ≥ 10, GAD-7 ≥ 8; reliable change PHQ-9 ≥ 6 points, GAD-7 ≥ 4 points.',
  url: 'https://www.england.nhs.uk/publication/the-improving-access-to-psychological-therapies-manual/',
};

export const NHS_DATA_DICTIONARY_PHQ9: Citation = {
  id: 'nhs_data_dictionary_phq9',
  text:
    'NHS Data Model and Dictionary: Patient Health Questionnaire-9. "If one or two values are missing from the score, then they can be ' +
    'substituted with the average score of the non-missing items. Questionnaires with more than two missing values should be disregarded."',
  url: 'http://www.datadictionary.nhs.uk/data_dictionary/nhs_business_definitions/p/patient_health_questionnaire-9_de.asp',
};

export const SPITZER_2006: Citation = {
  id: 'spitzer2006',
  text: 'Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized anxiety disorder: the GAD-7. Arch Intern Med. 2006;166(10):1092–1097.',
  doi: '10.1001/archinte.166.10.1092',
};

export const TOPP_2015: Citation = {
  id: 'topp2015',
  text: 'Topp CW, Østergaard SD, Søndergaard S, Bech P. The WHO-5 Well-Being Index: a systematic review of the literature. Psychother Psychosom. 2015;84(3):167–176.',
  doi: '10.1159/000376585',
};

export const BABOR_2001: Citation = {
  id: 'babor2001',
  text:
    'Babor TF, Higgins-Biddle JC, Saunders JB, Monteiro MG. AUDIT: The Alcohol Use Disorders Identification Test. Guidelines for Use in Primary Care. ' +
    '2nd ed. Geneva: World Health Organization; 2001 (WHO/MSD/MSB/01.6a).',
};

export const BERGMAN_KALLMEN_2002: Citation = {
  id: 'bergman_kallmen2002',
  text:
    'Bergman H, Källmén H. Alcohol use among Swedes and a psychometric evaluation of the Alcohol Use Disorders Identification Test. ' +
    'Alcohol Alcohol. 2002;37(3):245–251. Cut-off ≥ 8 for men and ≥ 6 for women.',
  doi: '10.1093/alcalc/37.3.245',
};

export const BERMAN_2005: Citation = {
  id: 'berman2005',
  text:
    'Berman AH, Bergman H, Palmstierna T, Schlyter F. Evaluation of the Drug Use Disorders Identification Test (DUDIT) in criminal justice and ' +
    'detoxification settings and in a Swedish population sample. Eur Addict Res. 2005;11(1):22–31. Cut-off ≥ 6 for men and ≥ 2 for women.',
  doi: '10.1159/000081413',
};
