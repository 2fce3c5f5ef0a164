import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { QueueHealth } from '#jobs';
import { Public } from '../common/permission.decorator.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(QueueHealth) private readonly queue: QueueHealth,
  ) {}

  /** The process is up. */
  @Public()
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** The process can serve: the database and the queue backend answer. */
  @Public()
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const [database, queue] = await Promise.all([
      this.dataSource.query('SELECT 1').then(() => 'ok', () => 'down'),
      this.queue.ping().then(() => 'ok', () => 'down'),
    ]);
    const ok = database === 'ok' && queue === 'ok';
    void reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', database, queue: { backend: this.queue.backend, status: queue } };
  }
}
