import { writeOutbox } from '#jobs';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { conflict, forbidden, invalid, notFound, unprocessable } from '#domain';
import { Permission, scopeFor, type Actor } from '#access';
import {
  assertNewVersion,
  BUILT_IN_INSTRUMENTS,
  fromFhirQuestionnaire,
  toFhirQuestionnaire,
  validateDefinition,
  type FhirMappingIssue,
  type FhirQuestionnaire,
  type InstrumentDefinition,
  type InstrumentPurpose,
  type Licence,
  type LocalizedText,
  type RecognisedInstrument,
} from '#instruments';
import { InstrumentRepository, type InstrumentSummaryRow, type InstrumentVersionRow } from '#persistence';
import { MAX_VERSION } from './instrument.dto.js';

export interface InstrumentSummaryView {
  code: string;
  version: number;
  name: LocalizedText;
  licence: Licence;
  purpose: InstrumentPurpose | null;
  builtIn: boolean;
  versions: number[];
}

export interface InstrumentView {
  code: string;
  version: number;
  builtIn: boolean;
  versions: number[];
  definitionHash: string;
  createdAt: string;
  definition: InstrumentDefinition;
}

function summaryView(r: InstrumentSummaryRow): InstrumentSummaryView {
  return { code: r.code, version: r.version, name: r.name, licence: r.licence, purpose: r.purpose, builtIn: r.municipalityId === null, versions: r.versions };
}

function view(r: InstrumentVersionRow): InstrumentView {
  return {
    code: r.code,
    version: r.version,
    builtIn: r.municipalityId === null,
    versions: r.versions,
    definitionHash: r.definitionHash,
    createdAt: r.createdAt.toISOString(),
    definition: r.definition,
  };
}

const instrumentNotFound = () =>
  notFound('INSTRUMENT.NOT_FOUND', 'Formuläret eller versionen finns inte.', 'The instrument or version does not exist.');

const codeTaken = (code: string) =>
  conflict(
    'INSTRUMENT.CODE_TAKEN',
    `Koden ${code} används redan av ett inbyggt formulär eller ett av kommunens egna.`,
    `The code ${code} is already used by a built-in instrument or one of the municipality's own.`,
    [{ field: 'code', sv: 'Koden används redan.', en: 'The code is already in use.' }],
  );

/** Validates a definition from a request; the validator's field errors reach the 400 body unchanged. */
function parseDefinition(input: unknown): InstrumentDefinition {
  const def = validateDefinition(input);
  if (def.version > MAX_VERSION) {
    throw invalid('INSTRUMENT.INVALID_DEFINITION', 'Formulärdefinitionen är ogiltig (1 fel).', 'The instrument definition is invalid (1 error).', [
      { field: 'version', sv: `får vara högst ${MAX_VERSION}`, en: `must be at most ${MAX_VERSION}` },
    ]);
  }
  return def;
}

/** A stored definition, validated again before it is built on (a row that fails is a server fault, not the caller's). */
function storedDefinition(r: InstrumentVersionRow): InstrumentDefinition {
  try {
    return validateDefinition(r.definition);
  } catch (e) {
    throw new Error(`Stored definition of ${r.code} version ${r.version} fails validation`, { cause: e });
  }
}

/** An import that looks like a built-in but lacks scored items must not become a lookalike that is never scored right. */
function incompleteBuiltIn(recognised: RecognisedInstrument) {
  const builtIn = BUILT_IN_INSTRUMENTS.find((d) => d.code === recognised.code)!;
  const describe = (id: string) => {
    const loinc = builtIn.items.find((i) => i.id === id)?.loinc;
    return loinc ? `${id} (LOINC ${loinc})` : id;
  };
  const missing = recognised.missingItemIds.map(describe).join(', ');
  return unprocessable(
    'INSTRUMENT.INCOMPLETE_BUILT_IN',
    `Formuläret är en ofullständig kopia av det inbyggda ${builtIn.name.sv} och saknar ${missing}. Det kan inte poängsättas som ${builtIn.code}; använd det inbyggda formuläret.`,
    `The Questionnaire is an incomplete copy of the built-in ${builtIn.name.en} and lacks ${missing}. It cannot be scored as ${builtIn.code}; use the built-in instrument.`,
    recognised.missingItemIds.map((id) => ({ field: 'item', sv: `saknar ${describe(id)}`, en: `lacks ${describe(id)}` })),
  );
}

/**
 * The instrument catalogue of a municipality: the built-ins and its own. Creating and versioning instruments is
 * administration, not client data, so it leaves no audit event.
 */
@Injectable()
export class InstrumentsService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async list(actor: Actor): Promise<{ items: InstrumentSummaryView[] }> {
    const scope = scopeFor(actor, Permission.InstrumentRead);
    const rows = await new InstrumentRepository(this.dataSource).listVisible(scope.municipalityId);
    return { items: rows.map(summaryView) };
  }

  /** A version of an instrument, the latest when `version` is left out. */
  async get(actor: Actor, code: string, version?: number): Promise<InstrumentView> {
    return view(await this.find(actor, code, version));
  }

  async exportFhir(actor: Actor, code: string, version?: number): Promise<FhirQuestionnaire> {
    return toFhirQuestionnaire(storedDefinition(await this.find(actor, code, version)));
  }

  async create(actor: Actor, input: unknown): Promise<InstrumentView> {
    const scope = scopeFor(actor, Permission.InstrumentAdmin);
    return this.insertNew(scope.municipalityId, parseDefinition(input));
  }

  async createVersion(actor: Actor, code: string, input: unknown): Promise<InstrumentView> {
    const scope = scopeFor(actor, Permission.InstrumentAdmin);
    return this.dataSource.transaction(async (m) => {
      const instruments = new InstrumentRepository(m);
      const found = await instruments.findVersion(scope.municipalityId, code);
      if (!found) throw instrumentNotFound();
      if (found.municipalityId === null) {
        throw forbidden(
          'INSTRUMENT.BUILT_IN_READ_ONLY',
          'Ett inbyggt formulär kan inte få en ny version av en kommun; det uppdateras med Mätpunkt. Skapa ett eget formulär med en annan kod om ni behöver ändra det.',
          'A built-in instrument cannot be versioned by a municipality; it is updated with Mätpunkt. Create your own instrument under another code if you need changes.',
        );
      }
      const next = parseDefinition(input);
      // Serialises new versions of one instrument, so "higher than the latest" holds when two arrive at once.
      await instruments.lockForNewVersion(found.instrumentId);
      const latest = (await instruments.findVersion(scope.municipalityId, code))!;
      assertNewVersion(storedDefinition(latest), next);
      if (!(await instruments.insertVersion(latest.instrumentId, next))) throw new Error(`Version ${next.version} of ${code} appeared under the lock`);
      // Scoring rules may have changed: the aggregates of everyone measured with the instrument are recomputed.
      await writeOutbox(m, scope.municipalityId, [{ topic: 'instrument.changed', payload: { instrumentId: latest.instrumentId } }]);
      return view((await instruments.findVersion(scope.municipalityId, code, next.version))!);
    });
  }

  /** Imports a FHIR Questionnaire as a municipality instrument, optionally under another code, with the mapping warnings. */
  async importFhir(actor: Actor, questionnaire: unknown, code?: string): Promise<InstrumentView & { warnings: FhirMappingIssue[] }> {
    const scope = scopeFor(actor, Permission.InstrumentAdmin);
    const imported = fromFhirQuestionnaire(questionnaire);
    if (imported.recognisedAs && !imported.recognisedAs.complete) throw incompleteBuiltIn(imported.recognisedAs);
    const definition = parseDefinition(code ? { ...imported.definition, code } : imported.definition);
    return { ...(await this.insertNew(scope.municipalityId, definition)), warnings: imported.warnings };
  }

  private async find(actor: Actor, code: string, version?: number): Promise<InstrumentVersionRow> {
    const scope = scopeFor(actor, Permission.InstrumentRead);
    const found = await new InstrumentRepository(this.dataSource).findVersion(scope.municipalityId, code, version);
    if (!found) throw instrumentNotFound();
    return found;
  }

  private insertNew(municipalityId: string, definition: InstrumentDefinition): Promise<InstrumentView> {
    return this.dataSource.transaction(async (m) => {
      const instruments = new InstrumentRepository(m);
      if (await instruments.codeTaken(municipalityId, definition.code)) throw codeTaken(definition.code);
      const created = await instruments.insertInstrument(municipalityId, { code: definition.code, licenceKind: definition.licence.kind });
      if (!created) throw codeTaken(definition.code);
      await instruments.insertVersion(created.id, definition);
      return view((await instruments.findVersion(municipalityId, definition.code))!);
    });
  }
}
