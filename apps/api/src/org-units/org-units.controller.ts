import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { type Actor, Permission, scopeFor } from '#access';
import { OrgUnitRepository } from '#persistence';
import { RequirePermission } from '../common/permission.decorator.js';
import { CurrentActor } from '../common/request-context.js';

@ApiTags('org-units')
@Controller('org-units')
export class OrgUnitsController {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The units the caller works in, with everything below them. */
  @RequirePermission(Permission.OrgRead)
  @Get()
  async listOrgUnits(@CurrentActor() actor: Actor) {
    const units = await new OrgUnitRepository(this.dataSource).listInScope(scopeFor(actor, Permission.OrgRead));
    return units.map(({ path: _path, ...u }) => u);
  }
}
