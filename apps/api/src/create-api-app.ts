import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { getConfig } from '#config';
import { PinoNestLogger } from '#logging';
import { AppModule, type ApiModuleOptions } from './app.module.js';
import { assertEveryRouteDeclaresAccess } from './common/route-check.js';
import { registerWebPlugins, webRouteExclusions } from './web/web-app.js';
import { WEB_CONTROLLERS } from './web/web-controllers.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Builds the API exactly as production runs it (plugins, prefix, pipes, filters, docs, boot checks).
 * Tests use this too, so they exercise the real pipeline.
 */
export async function createApiApp(
  opts: ApiModuleOptions & {
    logger: Logger;
    /** Serve the Swagger UI page (needs a dynamic import that jest's VM cannot do; tests keep the JSON document). */
    swaggerUi?: boolean;
  },
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: opts.logger,
    bodyLimit: BODY_LIMIT_BYTES,
    // JSON bodies are parsed with prototype-pollution protection: __proto__ and constructor keys are refused.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const header = req.headers['x-request-id'];
      return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    },
    // Off by default: X-Forwarded-For is believed only from the proxies TRUST_PROXY names, so a client that reaches
    // the API directly cannot choose the address the per-IP sign-in limit counts.
    trustProxy: getConfig().trustProxy,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(opts), adapter, {
    logger: new PinoNestLogger(opts.logger),
    bufferLogs: false,
  });
  await app.register(fastifyCookie as never);
  await app.register(fastifyHelmet as never, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
  } as never);
  await registerWebPlugins(app);
  app.getHttpAdapter().getInstance().addHook('onSend', async (req, reply, payload) => {
    void reply.header('X-Request-Id', req.id);
    // API answers may hold personal data: never cache them.
    if (req.url.startsWith('/api/v1')) void reply.header('Cache-Control', 'no-store');
    return payload;
  });
  // The pages (apps/api/src/web) live outside the API prefix.
  app.setGlobalPrefix('api/v1', { exclude: ['health/live', 'health/ready', ...webRouteExclusions(WEB_CONTROLLERS)] });
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Mätpunkt API')
      .setDescription('Systematisk uppföljning för socialtjänsten / Systematic follow-up for social services')
      .setVersion('1')
      .addCookieAuth('mp_session')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json', ui: opts.swaggerUi ?? true });
  await app.init();
  assertEveryRouteDeclaresAccess(app);
  return app;
}
