import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Actor, Permission, scopeFor } from '#access';
import { recordAudit } from '#audit';
import { AuditAction, AuditPurpose, notFound, Role } from '#domain';
import { ReportRepository, type StoredReportMeta } from '#reports';
import { mayReadReport } from './report-access.js';

const reportNotFound = () => notFound('REPORT.NOT_FOUND', 'Rapporten finns inte eller du saknar behörighet.', 'The report does not exist or you do not have access.');

/** Stored result reports: the archive a reader may see, and audit-logged downloads of HTML and PDF. */
@Injectable()
export class ReportArchiveService {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  async list(actor: Actor, definitionId?: string): Promise<StoredReportMeta[]> {
    scopeFor(actor, Permission.ReportRead);
    const all = await new ReportRepository(this.ds).listReports(actor.municipalityId, definitionId);
    const out: StoredReportMeta[] = [];
    for (const r of all) if (await mayReadReport(this.ds, actor, r)) out.push(r);
    return out;
  }

  async get(actor: Actor, id: string): Promise<StoredReportMeta> {
    scopeFor(actor, Permission.ReportRead);
    const r = await new ReportRepository(this.ds).findReport(actor.municipalityId, id);
    if (!r || !(await mayReadReport(this.ds, actor, r))) throw reportNotFound();
    return r;
  }

  /** The stored bytes, with the download recorded in the audit log in the same transaction (no client ids). */
  async download(actor: Actor, requestId: string, id: string, format: 'html' | 'pdf'): Promise<{ meta: StoredReportMeta; body: Buffer }> {
    const meta = await this.get(actor, id);
    const scope = scopeFor(actor, Permission.ReportRead);
    const purpose = actor.memberships.some((m) => m.role === Role.UnitHead) ? AuditPurpose.FollowUp : AuditPurpose.Administration;
    const body = await this.ds.transaction(async (m) => {
      const content = await new ReportRepository(m).readContent(actor.municipalityId, id, format);
      if (!content) throw reportNotFound();
      await recordAudit(m, { scope, requestId }, [{ action: AuditAction.Read, resource: `result_report:${id}:v${meta.version}:${format}`, purpose }]);
      return content;
    });
    return { meta, body };
  }
}
