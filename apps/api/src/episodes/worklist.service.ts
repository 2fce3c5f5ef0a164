import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditAction, AuditPurpose, notFound } from '#domain';
import { type Actor, Permission, scopeFor } from '#access';
import { recordAudit } from '#audit';
import { OrgUnitRepository, type WorklistItem, WorklistRepository } from '#persistence';
import { Clock } from '../common/clock.js';

@Injectable()
export class WorklistService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** `mine`: episodes the actor is responsible for; `unit`: a unit subtree within the actor's units. One audit row per client listed. */
  async list(actor: Actor, requestId: string, q: { view?: 'mine' | 'unit'; unitId?: string }): Promise<{ asOf: string; items: WorklistItem[] }> {
    const scope = scopeFor(actor, Permission.ClientRead);
    const today = this.clock.today();
    return this.dataSource.transaction(async (m) => {
      let unitPath: string | undefined;
      if (q.view === 'unit' && q.unitId) {
        const unit = await new OrgUnitRepository(m).findInScope(scope, q.unitId);
        if (!unit) throw notFound('ORG_UNIT.NOT_FOUND', 'Enheten finns inte eller du saknar behörighet.', 'The unit does not exist or you do not have access.');
        unitPath = unit.path;
      }
      const items = await new WorklistRepository(m).list(scope, today, {
        caseworkerUserId: q.view === 'unit' ? undefined : actor.userId,
        unitPath,
      });
      const clients = new Map(items.map((i) => [i.clientId, i]));
      await recordAudit(
        m,
        { scope, requestId },
        [...clients.values()].map((i) => ({
          action: AuditAction.List,
          resource: 'worklist',
          purpose: AuditPurpose.FollowUp,
          clientId: i.clientId,
          clientPseudonym: i.clientPseudonym,
          orgUnitId: i.orgUnitId,
        })),
      );
      return { asOf: today, items };
    });
  }
}
