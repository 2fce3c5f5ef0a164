import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { type Actor, Permission, rolesGranting, scopeFor } from '#access';
import { ErrorKind } from '#domain';
import { OrgUnitRepository } from '#persistence';
import { Clock } from '../common/clock.js';
import { RequirePermission } from '../common/permission.decorator.js';
import type { AuthenticatedRequest } from '../common/request-context.js';
import { AddGroupMemberDto, CreateGroupDto, EndGroupMemberDto, RenameGroupDto } from '../groups/group.dto.js';
import { GroupsService } from '../groups/groups.service.js';
import { attempt, domainFormErrors, type FormError, formFields, statusOf, str, validateForm } from './form.js';
import { translator } from './i18n/i18n.js';
import { resolveLocale } from './locale.js';
import { redirect, renderPage } from './render.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function can(actor: Actor, permission: Permission): boolean {
  return rolesGranting(actor, permission).length > 0;
}

/** What a group page re-renders with after a failed form: the values typed and the errors beside their fields. */
interface GroupPageState {
  values?: Record<string, string>;
  errors?: FormError[];
  done?: 'created' | 'renamed' | 'added' | 'ended';
  status?: number;
}

/**
 * Client groups for the unit head (docs/groups.md): the groups of their units, a form to create one, and per group
 * its members by pseudonym with forms to add an episode and to end a membership. Everything goes through
 * GroupsService, so access, validation, audit rows and the outbox are the API's.
 */
@ApiExcludeController()
@Controller('grupper')
export class GroupPagesController {
  constructor(
    @Inject(GroupsService) private readonly groups: GroupsService,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @RequirePermission(Permission.GroupRead)
  @Get()
  async listGroups(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply) {
    const q = req.query as Record<string, unknown>;
    const unitId = typeof q.enhet === 'string' && UUID.test(q.enhet) ? q.enhet : '';
    return this.listPage(req, reply, { values: { orgUnitId: unitId, name: '' } });
  }

  @RequirePermission(Permission.GroupAdmin)
  @Post()
  async createGroup(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @Body() body: unknown) {
    const locale = resolveLocale(req);
    const t = translator(locale);
    const f = formFields(body);
    const values = { orgUnitId: str(f, 'orgUnitId'), name: str(f, 'name') };
    const labels = { orgUnitId: t('groups.unit'), name: t('groups.name') };
    const { value, errors } = validateForm(CreateGroupDto, { orgUnitId: values.orgUnitId || undefined, name: values.name }, t, labels);
    if (errors.length > 0) return this.listPage(req, reply, { values, errors, status: 400 });
    const created = await attempt(() => this.groups.create(req.actor!, String(req.id), value));
    if (!created.ok) return this.listPage(req, reply, { values, errors: domainFormErrors(created.error, locale, labels, 'name'), status: statusOf(created.error) });
    return redirect(reply, `/grupper/${created.value.id}?klart=created`);
  }

  @RequirePermission(Permission.GroupRead)
  @Get(':id')
  async getGroup(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', ParseUUIDPipe) id: string) {
    const q = req.query as Record<string, unknown>;
    const done = (['created', 'renamed', 'added', 'ended'] as const).find((d) => d === q.klart);
    return this.groupPage(req, reply, id, { done });
  }

  @RequirePermission(Permission.GroupAdmin)
  @Post(':id/namn')
  async updateGroupName(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', ParseUUIDPipe) id: string, @Body() body: unknown) {
    const locale = resolveLocale(req);
    const t = translator(locale);
    const values = { name: str(formFields(body), 'name') };
    const labels = { name: t('groups.name') };
    const { value, errors } = validateForm(RenameGroupDto, values, t, labels);
    if (errors.length > 0) return this.groupPage(req, reply, id, { values, errors, status: 400 });
    const saved = await attempt(() => this.groups.rename(req.actor!, String(req.id), id, value));
    if (!saved.ok) return this.groupPage(req, reply, id, { values, errors: domainFormErrors(saved.error, locale, labels, 'name'), status: statusOf(saved.error) });
    return redirect(reply, `/grupper/${id}?klart=renamed`);
  }

  @RequirePermission(Permission.GroupMemberWrite)
  @Post(':id/medlemmar')
  async createGroupMember(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', ParseUUIDPipe) id: string, @Body() body: unknown) {
    const locale = resolveLocale(req);
    const t = translator(locale);
    const f = formFields(body);
    const values = { episodeId: str(f, 'episodeId'), joinedOn: str(f, 'joinedOn') };
    const labels = { episodeId: t('groups.member.episode'), joinedOn: t('groups.member.joinedOn') };
    const { value, errors } = validateForm(AddGroupMemberDto, { episodeId: values.episodeId || undefined, joinedOn: values.joinedOn }, t, labels);
    if (errors.length > 0) return this.groupPage(req, reply, id, { values, errors, status: 400 });
    const saved = await attempt(() => this.groups.addMember(req.actor!, String(req.id), id, value));
    if (!saved.ok) return this.groupPage(req, reply, id, { values, errors: domainFormErrors(saved.error, locale, labels, 'episodeId'), status: statusOf(saved.error) });
    return redirect(reply, `/grupper/${id}?klart=added`);
  }

  @RequirePermission(Permission.GroupMemberWrite)
  @Post(':id/medlemmar/:episodeId/avsluta')
  async updateGroupMemberEnd(
    @Req() req: AuthenticatedRequest,
    @Res() reply: FastifyReply,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('episodeId', ParseUUIDPipe) episodeId: string,
    @Body() body: unknown,
  ) {
    const locale = resolveLocale(req);
    const t = translator(locale);
    // Each member row has its own form: its field is named after the episode so the error lands beside it.
    const field = `leftOn-${episodeId}`;
    const values = { [field]: str(formFields(body), 'leftOn') };
    const labels = { leftOn: t('groups.member.leftOn') };
    const toRow = (e: FormError): FormError => (e.field === 'leftOn' ? { ...e, field, href: `#${field}` } : e);
    const { value, errors } = validateForm(EndGroupMemberDto, { leftOn: values[field] }, t, labels);
    if (errors.length > 0) return this.groupPage(req, reply, id, { values, errors: errors.map(toRow), status: 400 });
    const saved = await attempt(() => this.groups.endMember(req.actor!, String(req.id), id, episodeId, value));
    if (!saved.ok) return this.groupPage(req, reply, id, { values, errors: domainFormErrors(saved.error, locale, labels, 'leftOn').map(toRow), status: statusOf(saved.error) });
    return redirect(reply, `/grupper/${id}?klart=ended`);
  }

  private async listPage(req: AuthenticatedRequest, reply: FastifyReply, state: GroupPageState) {
    const actor = req.actor!;
    const { items } = await this.groups.list(actor, {});
    const canCreate = can(actor, Permission.GroupAdmin);
    const units = canCreate ? await new OrgUnitRepository(this.dataSource).listInScope(scopeFor(actor, Permission.GroupAdmin)) : [];
    return renderPage(
      req,
      reply,
      'pages/groups.njk',
      {
        groups: items,
        canCreate,
        units: units.map((u) => ({ value: u.id, text: u.name })),
        values: state.values ?? {},
        errors: state.errors ?? [],
      },
      { status: state.status ?? 200 },
    );
  }

  private async groupPage(req: AuthenticatedRequest, reply: FastifyReply, id: string, state: GroupPageState) {
    const actor = req.actor!;
    const group = await this.groups.get(actor, id);
    // Members are client data: shown only to readers with client access over the group (not to admins).
    const members = can(actor, Permission.ClientRead) ? await attempt(() => this.groups.listMembers(actor, String(req.id), id), [ErrorKind.NotFound, ErrorKind.Forbidden]) : null;
    const canWriteMembers = can(actor, Permission.GroupMemberWrite);
    const candidates = canWriteMembers ? await attempt(() => this.groups.listCandidates(actor, String(req.id), id), [ErrorKind.NotFound, ErrorKind.Forbidden]) : null;
    const today = this.clock.today();
    return renderPage(
      req,
      reply,
      'pages/group.njk',
      {
        group,
        members: members?.ok ? members.value.items : null,
        canRename: can(actor, Permission.GroupAdmin),
        canWriteMembers: canWriteMembers && !!candidates?.ok,
        candidates: candidates?.ok ? candidates.value.map((c) => ({ value: c.episodeId, text: `${c.clientPseudonym} · ${c.methodName} · ${c.startDate}` })) : [],
        dashboardHref: can(actor, Permission.AggregateRead) ? `/oversikt/grupper/${id}` : null,
        today,
        values: { name: group.name, joinedOn: today, ...(state.values ?? {}) },
        errors: state.errors ?? [],
        done: state.done ?? null,
      },
      { status: state.status ?? 200 },
    );
  }
}
