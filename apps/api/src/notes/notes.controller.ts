import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { type Actor, Permission } from '#access';
import { RequirePermission } from '../common/permission.decorator.js';
import { CurrentActor, RequestId } from '../common/request-context.js';
import { CreateOccasionNoteDto, CreateUnitNoteDto, NoteIdParam, UnitNotesQuery } from './note.dto.js';
import { OccasionNotesService } from './occasion-notes.service.js';
import { UnitNotesService } from './unit-notes.service.js';

/** Follow-up notes are append-only: there is no update or delete; a correction is a new note. */
@ApiTags('notes')
@Controller()
export class NotesController {
  constructor(
    @Inject(OccasionNotesService) private readonly occasionNotes: OccasionNotesService,
    @Inject(UnitNotesService) private readonly unitNotes: UnitNotesService,
  ) {}

  @RequirePermission(Permission.ClientWrite)
  @Post('occasions/:id/notes')
  createOccasionNote(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: NoteIdParam, @Body() dto: CreateOccasionNoteDto) {
    return this.occasionNotes.create(actor, requestId, p.id, dto);
  }

  @RequirePermission(Permission.ClientRead)
  @Get('episodes/:id/notes')
  listEpisodeNotes(@CurrentActor() actor: Actor, @RequestId() requestId: string, @Param() p: NoteIdParam) {
    return this.occasionNotes.listForEpisode(actor, requestId, p.id);
  }

  @RequirePermission(Permission.NoteWrite)
  @Post('notes')
  createNote(@CurrentActor() actor: Actor, @Body() dto: CreateUnitNoteDto) {
    return this.unitNotes.create(actor, dto);
  }

  /** Unit- and method-level notes only; occasion-level notes (client data) are never listed here. */
  @RequirePermission(Permission.NoteRead)
  @Get('notes')
  listNotes(@CurrentActor() actor: Actor, @Query() q: UnitNotesQuery) {
    return this.unitNotes.list(actor, q);
  }
}
