import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type Actor, Permission } from '#access';
import { RequirePermission } from '../common/permission.decorator.js';
import { CurrentActor, RequestId } from '../common/request-context.js';
import { ClientIdParam, FindClientDto, ListClientsQuery, RegisterClientDto, UpdateClientDto } from './client.dto.js';
import { ClientsService } from './clients.service.js';

@ApiTags('clients')
@Controller('clients')
export class ClientsController {
  constructor(@Inject(ClientsService) private readonly clients: ClientsService) {}

  @RequirePermission(Permission.ClientWrite)
  @Post()
  createClient(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Body() dto: RegisterClientDto) {
    return this.clients.register(actor, requestId, dto);
  }

  @RequirePermission(Permission.ClientRead)
  @Get()
  listClients(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Query() q: ListClientsQuery) {
    return this.clients.list(actor, requestId, q);
  }

  /** Find by personnummer: a POST so the number never appears in a URL or access log. */
  @RequirePermission(Permission.ClientSearch)
  @Post('search')
  @HttpCode(200)
  searchClient(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Body() dto: FindClientDto) {
    return this.clients.findByIdentityNumber(actor, requestId, dto.personalIdentityNumber);
  }

  @RequirePermission(Permission.ClientRead)
  @Get(':id')
  getClient(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: ClientIdParam) {
    return this.clients.get(actor, requestId, p.id);
  }

  @RequirePermission(Permission.ClientRead)
  @Get(':id/identity')
  getClientIdentity(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: ClientIdParam) {
    return this.clients.getIdentity(actor, requestId, p.id);
  }

  @RequirePermission(Permission.ClientWrite)
  @Patch(':id')
  updateClient(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: ClientIdParam, @Body() dto: UpdateClientDto) {
    return this.clients.update(actor, requestId, p.id, dto);
  }
}
