import type { DataSource, EntityManager } from 'typeorm';
import { BUILT_IN_INSTRUMENTS, definitionHash, type InstrumentDefinition, type InstrumentPurpose, type Licence, type LicenceKind, type LocalizedText } from '#instruments';

/** One instrument with its latest version, as listed (no items: the list stays small). */
export interface InstrumentSummaryRow {
  instrumentId: string;
  code: string;
  /** Null for built-in instruments. */
  municipalityId: string | null;
  version: number;
  name: LocalizedText;
  licence: Licence;
  purpose: InstrumentPurpose | null;
  /** Every stored version number, ascending. */
  versions: number[];
}

/** One stored version of an instrument, with its whole definition. */
export interface InstrumentVersionRow {
  instrumentId: string;
  versionId: string;
  code: string;
  municipalityId: string | null;
  version: number;
  definition: InstrumentDefinition;
  definitionHash: string;
  createdAt: Date;
  versions: number[];
}

/** Visible to a municipality: the built-ins and its own. */
const VISIBLE = `(i.municipality_id IS NULL OR i.municipality_id = $1)`;

const VERSIONS = `(SELECT array_agg(vv.version ORDER BY vv.version) FROM instrument_version vv WHERE vv.instrument_id = i.id)`;

function toVersionRow(r: Record<string, any>): InstrumentVersionRow {
  return {
    instrumentId: r.instrument_id,
    versionId: r.version_id,
    code: r.code,
    municipalityId: r.municipality_id,
    version: r.version,
    definition: r.definition,
    definitionHash: r.definition_hash,
    createdAt: r.created_at,
    versions: r.versions ?? [],
  };
}

/**
 * The instrument catalogue: built-in instruments (no municipality) and each municipality's own.
 * A municipality never sees another's instruments. Versions are only ever added, never changed.
 */
export class InstrumentRepository {
  constructor(private readonly db: DataSource | EntityManager) {}

  /** Built-ins and the municipality's own, each with its latest version; built-ins first, then by code. */
  async listVisible(municipalityId: string): Promise<InstrumentSummaryRow[]> {
    const rows = await this.db.query(
      `SELECT i.id AS instrument_id, i.code, i.municipality_id, v.version,
              v.definition->'name' AS name, v.definition->'licence' AS licence, v.definition->>'purpose' AS purpose,
              ${VERSIONS} AS versions
         FROM instrument i
         JOIN LATERAL (SELECT version, definition FROM instrument_version
                        WHERE instrument_id = i.id ORDER BY version DESC LIMIT 1) v ON true
        WHERE ${VISIBLE}
        ORDER BY i.municipality_id NULLS FIRST, i.code`,
      [municipalityId],
    );
    return rows.map((r: Record<string, any>) => ({
      instrumentId: r.instrument_id,
      code: r.code,
      municipalityId: r.municipality_id,
      version: r.version,
      name: r.name,
      licence: r.licence,
      purpose: r.purpose,
      versions: r.versions ?? [],
    }));
  }

  /**
   * A version of a visible instrument by code: the given version, or the latest when left out.
   * Should a built-in and the municipality's own share a code, the municipality's own is meant.
   */
  async findVersion(municipalityId: string, code: string, version?: number): Promise<InstrumentVersionRow | null> {
    const rows = await this.db.query(
      `SELECT i.id AS instrument_id, v.id AS version_id, i.code, i.municipality_id, v.version, v.definition,
              v.definition_hash, v.created_at, ${VERSIONS} AS versions
         FROM instrument i JOIN instrument_version v ON v.instrument_id = i.id
        WHERE ${VISIBLE} AND i.code = $2 AND ($3::integer IS NULL OR v.version = $3)
        ORDER BY i.municipality_id NULLS LAST, v.version DESC
        LIMIT 1`,
      [municipalityId, code, version ?? null],
    );
    return rows[0] ? toVersionRow(rows[0]) : null;
  }

  /** Whether a code is taken for the municipality, by a built-in or by one of its own. */
  async codeTaken(municipalityId: string, code: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM instrument i WHERE ${VISIBLE} AND i.code = $2`, [municipalityId, code]);
    return rows.length > 0;
  }

  /** A new instrument of the municipality; null when the code is already taken there (lost a race). */
  async insertInstrument(municipalityId: string, i: { code: string; licenceKind: LicenceKind }): Promise<{ id: string } | null> {
    const rows = await this.db.query(
      `INSERT INTO instrument (municipality_id, code, licence_kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id`,
      [municipalityId, i.code, i.licenceKind],
    );
    return rows[0] ? { id: rows[0].id } : null;
  }

  /** Locks an instrument until the transaction ends, so its new versions are added one at a time. */
  async lockForNewVersion(instrumentId: string): Promise<void> {
    await this.db.query(`SELECT 1 FROM instrument WHERE id = $1 FOR UPDATE`, [instrumentId]);
  }

  /**
   * Adds a version (the definition must already be validated); null when that version number exists.
   * The instrument row carries the licence kind of its latest version.
   */
  async insertVersion(instrumentId: string, definition: InstrumentDefinition): Promise<{ id: string; definitionHash: string } | null> {
    const hash = definitionHash(definition);
    const rows = await this.db.query(
      `INSERT INTO instrument_version (instrument_id, version, definition, definition_hash)
       VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT DO NOTHING RETURNING id`,
      [instrumentId, definition.version, JSON.stringify(definition), hash],
    );
    if (!rows[0]) return null;
    await this.db.query(`UPDATE instrument SET licence_kind = $2 WHERE id = $1 AND licence_kind <> $2`, [instrumentId, definition.licence.kind]);
    return { id: rows[0].id, definitionHash: hash };
  }

  /**
   * Makes sure every built-in instrument and version exists (idempotent; run after migrations).
   * A stored built-in version whose hash differs from the shipped definition is an error, never overwritten:
   * a version may be in use, and a changed built-in must ship as a new version number.
   */
  async installBuiltIns(): Promise<void> {
    for (const def of BUILT_IN_INSTRUMENTS) {
      await this.db.query(
        `INSERT INTO instrument (municipality_id, code, licence_kind) VALUES (NULL, $1, $2) ON CONFLICT DO NOTHING`,
        [def.code, def.licence.kind],
      );
      const [instrument] = await this.db.query(`SELECT id FROM instrument WHERE municipality_id IS NULL AND code = $1`, [def.code]);
      const hash = definitionHash(def);
      await this.db.query(
        `INSERT INTO instrument_version (instrument_id, version, definition, definition_hash)
         VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT DO NOTHING`,
        [instrument.id, def.version, JSON.stringify(def), hash],
      );
      const [stored] = await this.db.query(`SELECT definition_hash FROM instrument_version WHERE instrument_id = $1 AND version = $2`, [
        instrument.id,
        def.version,
      ]);
      if (stored.definition_hash !== hash) {
        throw new Error(
          `Built-in instrument ${def.code} version ${def.version} differs from the stored version (hash ${stored.definition_hash}, shipped ${hash}). ` +
            'A built-in version must never change: give the changed definition a new version number.',
        );
      }
    }
  }
}
