import { Body, Controller, Get, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type Actor, Permission } from '#access';
import { RequirePermission } from '../common/permission.decorator.js';
import { CurrentActor, RequestId } from '../common/request-context.js';
import { AddGroupMemberDto, CreateGroupDto, EndGroupMemberDto, GroupIdParam, GroupMemberParam, ListGroupsQuery, RenameGroupDto } from './group.dto.js';
import { GroupsService } from './groups.service.js';

/** Client groups (grupper) of a unit and their members (docs/groups.md). */
@ApiTags('groups')
@Controller('groups')
export class GroupsController {
  constructor(@Inject(GroupsService) private readonly groups: GroupsService) {}

  @RequirePermission(Permission.GroupRead)
  @Get()
  listGroups(@CurrentActor() actor: Actor, @Query() q: ListGroupsQuery) {
    return this.groups.list(actor, q);
  }

  @RequirePermission(Permission.GroupAdmin)
  @Post()
  createGroup(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Body() dto: CreateGroupDto) {
    return this.groups.create(actor, requestId, dto);
  }

  @RequirePermission(Permission.GroupRead)
  @Get(':id')
  getGroup(@CurrentActor() actor: Actor, @Param() p: GroupIdParam) {
    return this.groups.get(actor, p.id);
  }

  @RequirePermission(Permission.GroupAdmin)
  @Patch(':id')
  updateGroup(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: GroupIdParam, @Body() dto: RenameGroupDto) {
    return this.groups.rename(actor, requestId, p.id, dto);
  }

  /** The members by pseudonym (client data: audit-logged, only episodes in your units). */
  @RequirePermission(Permission.ClientRead)
  @Get(':id/members')
  listGroupMembers(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: GroupIdParam) {
    return this.groups.listMembers(actor, requestId, p.id);
  }

  @RequirePermission(Permission.GroupMemberWrite)
  @Post(':id/members')
  createGroupMember(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: GroupIdParam, @Body() dto: AddGroupMemberDto) {
    return this.groups.addMember(actor, requestId, p.id, dto);
  }

  /** Ends a membership (`leftOn`); sending it again corrects the date. */
  @RequirePermission(Permission.GroupMemberWrite)
  @Patch(':id/members/:episodeId')
  updateGroupMember(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: GroupMemberParam, @Body() dto: EndGroupMemberDto) {
    return this.groups.endMember(actor, requestId, p.id, p.episodeId, dto);
  }
}
