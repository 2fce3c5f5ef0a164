import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { XLSX_MEDIA_TYPE } from '#imports';

/** Import files may be up to 50 MB; every other body keeps the app's 1 MB limit. */
export const IMPORT_BODY_LIMIT_BYTES = 50 * 1024 * 1024;
export const IMPORT_ROUTE = '/api/v1/imports';

/**
 * Accepts the raw body of `text/csv` and XLSX uploads as a Buffer — on the import route only, where
 * the larger limit applies. Elsewhere these media types are refused before the body is read (415).
 */
@Injectable()
export class ImportBodyParser implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    for (const type of ['text/csv', XLSX_MEDIA_TYPE]) {
      fastify.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT_BYTES }, (req, body, done) => {
        const path = (req.url ?? '').split('?')[0];
        if (req.method !== 'POST' || path !== IMPORT_ROUTE) {
          done(Object.assign(new Error('Unsupported Media Type'), { statusCode: 415 }), undefined);
          return;
        }
        done(null, body);
      });
    }
  }
}
