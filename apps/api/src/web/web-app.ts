import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyView from '@fastify/view';
import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import nunjucks from 'nunjucks';
import { getConfig } from '#config';
import { formatNumber } from './i18n/i18n.js';
import { fieldId } from './form.js';
import { assetFiles, registerStaticAssets } from './static-assets.js';

/** apps/api, found from this file in the sources (tests) and in dist/ (production) alike. */
function apiRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'apps/api/views'))) return join(dir, 'apps/api');
    const parent = dirname(dir);
    if (parent === dir) throw new Error('apps/api/views not found above the web module');
    dir = parent;
  }
}

export const API_ROOT = apiRoot();
const VIEWS_DIR = join(API_ROOT, 'views');
const PUBLIC_DIR = join(API_ROOT, 'public');
const CHART_JS_DIR = join(API_ROOT, '../../node_modules/chart.js/dist');

/**
 * The routes of the web controllers, to be served outside the API's global prefix. Page paths are Swedish
 * (`/brukare/:id`) and API paths English (`/clients/:id`), so an exclusion never catches an API route.
 */
export function webRouteExclusions(controllers: Type[]): { path: string; method: RequestMethod }[] {
  const out: { path: string; method: RequestMethod }[] = [];
  for (const controller of controllers) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (typeof handler !== 'function') continue;
      const path = Reflect.getMetadata(PATH_METADATA, handler);
      if (path === undefined) continue;
      const full = `/${[base, String(path)].filter((s) => s && s !== '/').join('/')}`.replace(/\/+/g, '/');
      out.push({ path: full, method: Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod });
    }
  }
  return out;
}

/** Templates (nunjucks, autoescaped), the stylesheet and scripts, and chart.js from node_modules. */
export async function registerWebPlugins(app: NestFastifyApplication): Promise<void> {
  const production = getConfig().nodeEnv === 'production';
  await app.register(fastifyView as never, {
    engine: { nunjucks },
    templates: VIEWS_DIR,
    options: {
      autoescape: true,
      throwOnUndefined: false,
      noCache: !production,
      onConfigure: (env: nunjucks.Environment) => {
        env.addGlobal('fieldId', fieldId);
        env.addGlobal('same', (a: unknown, b: unknown) => a !== undefined && a !== null && b !== undefined && b !== null && String(a) === String(b));
        env.addGlobal('errorFor', (errors: { field: string; text: string }[] | undefined, field: string) => errors?.find((e) => e.field === field)?.text ?? '');
        env.addFilter('num', (value: number | null | undefined, locale: 'sv' | 'en', decimals = 0) => formatNumber(locale, value, decimals));
      },
    },
  } as never);
  registerStaticAssets(app.getHttpAdapter().getInstance(), assetFiles(PUBLIC_DIR, CHART_JS_DIR), production);
}

