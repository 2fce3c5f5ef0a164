import { Body, Controller, Get, Inject, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type Actor, Permission } from '#access';
import { RequirePermission } from '../common/permission.decorator.js';
import { CurrentActor, RequestId } from '../common/request-context.js';
import { CreateOrgUnitDto, CreateUserDto, ReplaceMembershipsDto, UpdateUserDto, UserIdParam } from './admin.dto.js';
import { AdminService } from './admin.service.js';

@ApiTags('admin')
@Controller('admin')
export class AdminController {
  constructor(@Inject(AdminService) private readonly admin: AdminService) {}

  @RequirePermission(Permission.UserAdmin)
  @Get('users')
  listUsers(@CurrentActor() actor: Actor) {
    return this.admin.listUsers(actor);
  }

  @RequirePermission(Permission.UserAdmin)
  @Post('users')
  createUser(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Body() dto: CreateUserDto) {
    return this.admin.createUser(actor, requestId, dto);
  }

  @RequirePermission(Permission.UserAdmin)
  @Patch('users/:id')
  updateUser(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: UserIdParam, @Body() dto: UpdateUserDto) {
    return this.admin.updateUser(actor, requestId, p.id, dto);
  }

  @RequirePermission(Permission.UserAdmin)
  @Put('users/:id/memberships')
  updateUserMemberships(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: UserIdParam, @Body() dto: ReplaceMembershipsDto) {
    return this.admin.replaceMemberships(actor, requestId, p.id, dto.memberships);
  }

  @RequirePermission(Permission.UserAdmin)
  @Post('org-units')
  createOrgUnit(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Body() dto: CreateOrgUnitDto) {
    return this.admin.createOrgUnit(actor, requestId, dto);
  }
}
