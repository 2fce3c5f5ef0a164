import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Permission, scopeFor } from '#access';
import { notFound, OrgUnitKind, Role } from '#domain';
import { OrgUnitRepository, type OrgUnitRow } from '#persistence';
import { CreateOrgUnitDto, CreateUserDto } from '../admin/admin.dto.js';
import { AdminService } from '../admin/admin.service.js';
import { RequirePermission } from '../common/permission.decorator.js';
import { type AuthenticatedRequest, RequestId } from '../common/request-context.js';
import { attempt, domainFormErrors, type FormError, formError, formFields, str, validateForm } from './form.js';
import { translator } from './i18n/i18n.js';
import { choices } from './labels.js';
import { resolveLocale } from './locale.js';
import { redirect, renderPage } from './render.js';

const ROLES = Object.values(Role);
const KINDS = Object.values(OrgUnitKind);

interface TreeNode extends OrgUnitRow {
  children: TreeNode[];
}

/** The org tree from rows ordered by path: each unit under its parent, units whose parent is out of scope at the top. */
export function orgTree(units: readonly OrgUnitRow[]): TreeNode[] {
  const nodes = new Map(units.map((u) => [u.id, { ...u, children: [] as TreeNode[] }]));
  const roots: TreeNode[] = [];
  for (const u of units) {
    const node = nodes.get(u.id)!;
    const parent = u.parentId ? nodes.get(u.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

/** Users, roles and unit memberships, and the org tree: AdminService, within the admin's units, audit-logged. */
@ApiExcludeController()
@Controller('admin')
export class UserAdminPagesController {
  constructor(
    @Inject(AdminService) private readonly admin: AdminService,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  private async units(req: AuthenticatedRequest) {
    return new OrgUnitRepository(this.dataSource).listInScope(scopeFor(req.actor!, Permission.UserAdmin));
  }

  @RequirePermission(Permission.UserAdmin)
  @Get('anvandare')
  async listUsers(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply) {
    const users = await this.admin.listUsers(req.actor!);
    return renderPage(req, reply, 'pages/users.njk', { users });
  }

  @RequirePermission(Permission.UserAdmin)
  @Get('anvandare/ny')
  async getNewUser(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply) {
    return this.userForm(req, reply, {}, []);
  }

  @RequirePermission(Permission.UserAdmin)
  @Post('anvandare/ny')
  async createUser(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Body() body: unknown) {
    const locale = resolveLocale(req);
    const t = translator(locale);
    const f = formFields(body);
    const values = { username: str(f, 'username'), displayName: str(f, 'displayName'), password: str(f, 'password'), unitId: str(f, 'unitId'), role: str(f, 'role') };
    const input = {
      username: values.username,
      displayName: values.displayName,
      ...(values.password ? { password: values.password } : {}),
      memberships: [{ unitId: values.unitId, role: values.role || undefined }],
    };
    const labels = { username: t('users.username'), displayName: t('users.displayName'), password: t('users.password'), unitId: t('users.unit'), role: t('users.role') };
    // A membership's fields are shown as the form's own unit and role fields.
    const field = (e: FormError): FormError => {
      const m = /^memberships(?:\[0\]|\.0)\.(unitId|role)$/.exec(e.field);
      return m ? formError(m[1]!, labels[m[1] as 'unitId' | 'role'], e.text.replace(/^[^:]*:\s*/, '')) : e;
    };
    const { value, errors } = validateForm(CreateUserDto, input, t, labels);
    if (errors.length > 0) return this.userForm(req, reply, values, errors.map(field), 400);
    const created = await attempt(() => this.admin.createUser(req.actor!, requestId, value));
    if (!created.ok) return this.userForm(req, reply, values, domainFormErrors(created.error, locale, labels, 'username').map(field), 400);
    return redirect(reply, `/admin/anvandare/${created.value.id}?skapad=1`);
  }

  @RequirePermission(Permission.UserAdmin)
  @Get('anvandare/:id')
  async getUser(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', ParseUUIDPipe) id: string) {
    const q = req.query as Record<string, unknown>;
    return this.userPage(req, reply, id, [], q.skapad === '1' ? 'created' : typeof q.klart === 'string' ? q.klart : null);
  }

  /** Adds or removes one membership: the service replaces the user's memberships as a whole. */
  @RequirePermission(Permission.UserAdmin)
  @Post('anvandare/:id/behorigheter')
  async updateMemberships(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Param('id', ParseUUIDPipe) id: string, @Body() body: unknown) {
    const locale = resolveLocale(req);
    const t = translator(locale);
    const f = formFields(body);
    const user = await this.findUser(req, id);
    let memberships = user.memberships.map((m) => ({ unitId: m.unitId, role: m.role }));
    const remove = str(f, 'remove');
    if (remove) memberships = memberships.filter((m) => `${m.unitId}|${m.role}` !== remove);
    else {
      const unitId = str(f, 'unitId');
      const role = str(f, 'role') as Role;
      const errors = [
        ...(unitId ? [] : [formError('unitId', t('users.unit'), t('form.error.choose'))]),
        ...(ROLES.includes(role) ? [] : [formError('role', t('users.role'), t('form.error.choose'))]),
      ];
      if (errors.length) return this.userPage(req, reply, id, errors, null, 400);
      if (!memberships.some((m) => m.unitId === unitId && m.role === role)) memberships.push({ unitId, role });
    }
    const saved = await attempt(() => this.admin.replaceMemberships(req.actor!, requestId, id, memberships));
    if (!saved.ok) return this.userPage(req, reply, id, domainFormErrors(saved.error, locale, { unitId: t('users.unit') }, 'unitId').map((e) => (e.field.includes('unitId') ? { ...e, field: 'unitId', href: '#unitId' } : e)), null, 400);
    return redirect(reply, `/admin/anvandare/${id}?klart=memberships`);
  }

  /** Disables (ending every session at once) or enables an account. */
  @RequirePermission(Permission.UserAdmin)
  @Post('anvandare/:id/status')
  async updateStatus(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Param('id', ParseUUIDPipe) id: string, @Body() body: unknown) {
    const locale = resolveLocale(req);
    const disabled = str(formFields(body), 'disabled') === 'true';
    const saved = await attempt(() => this.admin.updateUser(req.actor!, requestId, id, { disabled }));
    if (!saved.ok) return this.userPage(req, reply, id, domainFormErrors(saved.error, locale, {}, 'status'), null, 400);
    return redirect(reply, `/admin/anvandare/${id}?klart=${disabled ? 'disabled' : 'enabled'}`);
  }

  @RequirePermission(Permission.UserAdmin)
  @Get('organisation')
  async getOrgTree(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply) {
    const q = req.query as Record<string, unknown>;
    return this.orgPage(req, reply, {}, [], q.skapad === '1');
  }

  @RequirePermission(Permission.UserAdmin)
  @Post('organisation')
  async createOrgUnit(@Req() req: AuthenticatedRequest, @Res() reply: FastifyReply, @RequestId() requestId: string, @Body() body: unknown) {
    const locale = resolveLocale(req);
    const t = translator(locale);
    const f = formFields(body);
    const values = { parentId: str(f, 'parentId'), kind: str(f, 'kind'), code: str(f, 'code'), name: str(f, 'name') };
    const input = { parentId: values.parentId, kind: values.kind || undefined, code: values.code, name: values.name };
    const labels = { parentId: t('org.parent'), kind: t('org.kind'), code: t('org.code'), name: t('org.name') };
    const { value, errors } = validateForm(CreateOrgUnitDto, input, t, labels);
    if (errors.length > 0) return this.orgPage(req, reply, values, errors, false, 400);
    const saved = await attempt(() => this.admin.createOrgUnit(req.actor!, requestId, value));
    if (!saved.ok) return this.orgPage(req, reply, values, domainFormErrors(saved.error, locale, labels, 'code'), false, 400);
    return redirect(reply, '/admin/organisation?skapad=1');
  }

  private async findUser(req: AuthenticatedRequest, id: string) {
    const user = (await this.admin.listUsers(req.actor!)).find((u) => u.id === id);
    if (!user) throw notFound('USER.NOT_FOUND', 'Användaren finns inte eller du saknar behörighet.', 'The user does not exist or you do not have access.');
    return user;
  }

  private async userForm(req: AuthenticatedRequest, reply: FastifyReply, values: Record<string, string>, errors: FormError[], status = 200) {
    const t = translator(resolveLocale(req));
    const units = await this.units(req);
    return renderPage(req, reply, 'pages/user-new.njk', { values, errors, units: units.map((u) => ({ value: u.id, text: u.name })), roles: choices(t, 'role', ROLES) }, { status });
  }

  private async userPage(req: AuthenticatedRequest, reply: FastifyReply, id: string, errors: FormError[], done: string | null, status = 200) {
    const t = translator(resolveLocale(req));
    const user = await this.findUser(req, id);
    const units = await this.units(req);
    return renderPage(
      req,
      reply,
      'pages/user.njk',
      { u: user, errors, done, self: user.id === req.actor!.userId, units: units.map((x) => ({ value: x.id, text: x.name })), roles: choices(t, 'role', ROLES) },
      { status },
    );
  }

  private async orgPage(req: AuthenticatedRequest, reply: FastifyReply, values: Record<string, string>, errors: FormError[], created: boolean, status = 200) {
    const t = translator(resolveLocale(req));
    const units = await this.units(req);
    return renderPage(
      req,
      reply,
      'pages/org-tree.njk',
      { tree: orgTree(units), values, errors, created, units: units.map((u) => ({ value: u.id, text: u.name })), kinds: choices(t, 'orgKind', KINDS) },
      { status },
    );
  }
}
