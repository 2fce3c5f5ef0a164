import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Actor, Permission, rolesGranting, scopeFor } from '#access';
import { AggregateReadRepository, EVIDENCE_QUESTIONS, type EvidenceFromData, evidenceFromData, type SuppressedShare, suppressShare, swedishToday } from '#aggregation';
import type { Share } from '#statistics';

/** A figure from data as a reader sees it: for politicians each share is suppressed (n < k hidden, shown as ".."). */
type ShownFigure = Omit<NonNullable<EvidenceFromData['figure']>, 'share'> & { share?: Share | SuppressedShare | null };
import { recordAudit } from '#audit';
import { AuditAction, AuditPurpose, forbidden, invalid, notFound, Role, type EvidenceStatus } from '#domain';
import { ELEMENT_KEYS } from './aggregates.dto.js';
import { METHOD_WITHHELD, MethodCountDisclosure } from './method-disclosure.js';

const methodNotFound = () => notFound('METHOD.NOT_FOUND', 'Metoden finns inte.', 'The method does not exist.');
const unitNotFound = () => notFound('ORG_UNIT.NOT_FOUND', 'Enheten finns inte eller du saknar behörighet.', 'The unit does not exist or you do not have access.');

/** Elements 10 and 11 from data and by hand, and the method's other nine elements: the method's whole description. */
@Injectable()
export class EvidenceService {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  async get(actor: Actor, methodId: string, unitId: string | null) {
    const scope = scopeFor(actor, Permission.AggregateRead);
    const repo = new AggregateReadRepository(this.ds);
    const politicianOnly = rolesGranting(actor, Permission.AggregateRead).every((r) => r === Role.Politician);
    let unitPath: string | null = null;
    if (unitId) {
      const unit = await repo.findUnit(scope, unitId);
      if (!unit) throw unitNotFound();
      if (politicianOnly && unit.kind !== 'administration') {
        throw forbidden('AGGREGATE.LEVEL_NOT_ALLOWED', 'Förtroendevalda ser bara kommun- och förvaltningsnivå.', 'Politicians see only municipality and administration level.');
      }
      unitPath = unit.path;
    } else if (!(await repo.coversMunicipality(scope))) {
      throw forbidden('AGGREGATE.MUNICIPALITY_SCOPE_REQUIRED', 'Ange en enhet: du har inte behörighet för hela kommunen.', 'Give a unit: you do not have access to the whole municipality.');
    }
    const method = await repo.findMethod(actor.municipalityId, methodId);
    if (!method) throw methodNotFound();
    const settings = await repo.settings(actor.municipalityId);
    // Politicians: a figure's n here is the method's episodes (R12) in the scope, the count their per-method tables
    // show; where those hide it, the figures are withheld, and elsewhere each share is suppressed like any other.
    const disclosure = politicianOnly ? await MethodCountDisclosure.load(this.ds, actor.municipalityId, 'R12', settings.kPolitician) : null;
    const withheld = disclosure?.methodHidden(methodId, unitId ? `unit:${unitId}` : disclosure.municipalityKey) ?? false;
    const shown = (figure: EvidenceFromData['figure']): ShownFigure | null => {
      if (!disclosure || !figure) return figure;
      if (withheld) return null;
      return figure.share ? { ...figure, share: suppressShare(figure.share, settings.kPolitician) } : figure;
    };
    const data = await evidenceFromData(this.ds.manager, {
      municipalityId: actor.municipalityId,
      methodId,
      unitPath,
      unitId,
      reference: swedishToday(),
      yes: settings.evidenceYes,
      partly: settings.evidencePartly,
    });
    const hand: { element: number; question: number; answer: string; comment: string; answered_by: string; answered_by_name: string; answered_at: Date; org_unit_id: string | null }[] =
      await this.ds.query(
        `SELECT a.element, a.question, a.answer, a.comment, a.answered_by, u.display_name AS answered_by_name, a.answered_at, a.org_unit_id
           FROM evidence_answer a JOIN app_user u ON u.id = a.answered_by
          WHERE a.municipality_id = $1 AND a.method_id = $2 AND (a.org_unit_id IS NULL OR a.org_unit_id = $3)
          ORDER BY a.org_unit_id NULLS LAST`,
        [actor.municipalityId, methodId, unitId],
      );
    return {
      method: { id: method.id, code: method.code, name: method.name, evidenceStatus: method.evidenceStatus, elementDescriptions: method.elementDescriptions },
      unitId,
      period: data.period,
      thresholds: { ja: settings.evidenceYes, delvis: settings.evidencePartly },
      withheld: withheld ? { code: METHOD_WITHHELD.code, message: { ...METHOD_WITHHELD.message } } : null,
      questions: EVIDENCE_QUESTIONS.map((q) => {
        const d = data.items.find((i) => i.element === q.element && i.question === q.question)!;
        // A unit's own hand answer before the method-wide one.
        const h = hand.find((a) => a.element === q.element && a.question === q.question);
        return {
          element: q.element,
          question: q.question,
          text: { sv: q.sv, en: q.en },
          answer: d.answer ?? (h?.answer as string | undefined) ?? null,
          source: d.answer ? 'data' : h ? 'hand' : 'unanswered',
          figure: shown(d.figure),
          basis: d.basis,
          hand: h ? { answer: h.answer, comment: h.comment, answeredBy: { id: h.answered_by, name: h.answered_by_name }, answeredAt: h.answered_at, unitId: h.org_unit_id } : null,
        };
      }),
    };
  }

  /** A hand answer: unit heads for their units; method-wide (no unit) unit heads or admins. */
  async answer(actor: Actor, dto: { methodId: string; unitId?: string; element: number; question: number; answer: string; comment?: string }) {
    const scope = scopeFor(actor, Permission.EvidenceWrite);
    const repo = new AggregateReadRepository(this.ds);
    if (dto.unitId && !(await repo.findUnit(scope, dto.unitId))) throw unitNotFound();
    if (!(await repo.findMethod(actor.municipalityId, dto.methodId))) throw methodNotFound();
    const [row] = await this.ds.query(
      `INSERT INTO evidence_answer (municipality_id, method_id, org_unit_id, element, question, answer, comment, answered_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (method_id, coalesce(org_unit_id, '00000000-0000-0000-0000-000000000000'::uuid), element, question)
       DO UPDATE SET answer = excluded.answer, comment = excluded.comment, answered_by = excluded.answered_by, answered_at = now()
       RETURNING id, method_id AS "methodId", org_unit_id AS "unitId", element, question, answer, comment, answered_by AS "answeredBy", answered_at AS "answeredAt"`,
      [actor.municipalityId, dto.methodId, dto.unitId ?? null, dto.element, dto.question, dto.answer, dto.comment ?? '', actor.userId],
    );
    return row;
  }

  /**
   * The other nine elements of the 11-element model by hand, and the method's evidence status: a method is the
   * municipality's, owned by its administrators (MethodAdmin), so unit heads answer elements 10/11 but do not
   * rewrite the method's description or claim its evidence. Audit-logged as an administrative change.
   */
  async describe(actor: Actor, requestId: string, methodId: string, dto: { elementDescriptions?: Record<string, string>; evidenceStatus?: EvidenceStatus }) {
    const scope = scopeFor(actor, Permission.MethodAdmin);
    const entries = Object.entries(dto.elementDescriptions ?? {});
    const bad = entries.filter(([key, text]) => !ELEMENT_KEYS.includes(key) || typeof text !== 'string' || text.length > 10000);
    if (bad.length > 0) {
      throw invalid(
        'METHOD.INVALID_ELEMENTS',
        'Okänt element eller för lång text (element 10 och 11 kommer från data).',
        'Unknown element or text too long (elements 10 and 11 come from data).',
        bad.map(([key]) => ({ field: `elementDescriptions.${key}`, sv: `Tillåtna: ${ELEMENT_KEYS.join(', ')}; högst 10 000 tecken.`, en: `Allowed: ${ELEMENT_KEYS.join(', ')}; at most 10,000 characters.` })),
      );
    }
    return this.ds.transaction(async (m) => {
      const [row] = await m.query(
        `UPDATE method SET element_descriptions = element_descriptions || $3::jsonb, evidence_status = coalesce($4, evidence_status)
          WHERE municipality_id = $1 AND id = $2
          RETURNING id, code, name, evidence_status AS "evidenceStatus", element_descriptions AS "elementDescriptions"`,
        [scope.municipalityId, methodId, JSON.stringify(Object.fromEntries(entries)), dto.evidenceStatus ?? null],
      );
      const updated = Array.isArray(row) ? row[0] : row;
      if (!updated) throw methodNotFound();
      await recordAudit(m, { scope, requestId }, [{ action: AuditAction.Update, resource: `method:${methodId}:description`, purpose: AuditPurpose.Administration }]);
      return updated;
    });
  }
}
