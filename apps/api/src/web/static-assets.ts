import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/**
 * The stylesheet, the scripts and chart.js, served from memory under /assets/ by a fixed list: nothing else on
 * disk can be reached. (@fastify/static would do, but it requires an ES-only module that jest's VM cannot load,
 * and the browser tests must run the app exactly as production does.)
 */
export function registerStaticAssets(fastify: FastifyInstance, files: Record<string, string>, production: boolean): void {
  const assets = new Map<string, Asset>();
  for (const [url, path] of Object.entries(files)) {
    const body = readFileSync(path);
    const ext = path.slice(path.lastIndexOf('.'));
    assets.set(url, { body, type: TYPES[ext] ?? 'application/octet-stream', etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  fastify.get('/assets/*', (req, reply) => {
    const asset = assets.get(req.url.split('?')[0]!);
    if (!asset) return reply.status(404).type('text/plain; charset=utf-8').send('Not found');
    void reply.header('Content-Type', asset.type).header('ETag', asset.etag).header('Cache-Control', production ? 'public, max-age=3600' : 'no-cache');
    if (req.headers['if-none-match'] === asset.etag) return reply.status(304).send();
    return reply.send(asset.body);
  });
}

export function assetFiles(publicDir: string, chartJsDir: string): Record<string, string> {
  return {
    '/assets/app.css': join(publicDir, 'app.css'),
    '/assets/app.js': join(publicDir, 'app.js'),
    '/assets/progress-chart.js': join(publicDir, 'progress-chart.js'),
    '/assets/dashboard-chart.js': join(publicDir, 'dashboard-chart.js'),
    '/assets/vendor/chart.umd.min.js': join(chartJsDir, 'chart.umd.min.js'),
  };
}
