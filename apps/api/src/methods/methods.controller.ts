import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type Actor, Permission } from '#access';
import { RequirePermission } from '../common/permission.decorator.js';
import { CurrentActor } from '../common/request-context.js';
import { CreateMethodDto, CreatePlanDto, MethodIdParam } from './method.dto.js';
import { MethodsService } from './methods.service.js';

@ApiTags('methods')
@Controller('methods')
export class MethodsController {
  constructor(@Inject(MethodsService) private readonly methods: MethodsService) {}

  @RequirePermission(Permission.OrgRead)
  @Get()
  listMethods(@CurrentActor() actor: Actor) {
    return this.methods.list(actor);
  }

  @RequirePermission(Permission.OrgRead)
  @Get(':id')
  getMethod(@CurrentActor() actor: Actor, @Param() p: MethodIdParam) {
    return this.methods.get(actor, p.id);
  }

  @RequirePermission(Permission.MethodAdmin)
  @Post()
  createMethod(@CurrentActor() actor: Actor, @Body() dto: CreateMethodDto) {
    return this.methods.create(actor, dto);
  }

  @RequirePermission(Permission.MethodAdmin)
  @Post(':id/plans')
  createPlan(@CurrentActor() actor: Actor, @Param() p: MethodIdParam, @Body() dto: CreatePlanDto) {
    return this.methods.createPlan(actor, p.id, dto);
  }
}
