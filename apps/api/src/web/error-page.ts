import type { FastifyReply, FastifyRequest } from 'fastify';
import { translator } from './i18n/i18n.js';
import { requestPath, resolveLocale } from './locale.js';
import { redirect, renderPage } from './render.js';

/** The API, its documents and the health probes answer JSON; every other path is a page. */
export function isPageRequest(req: FastifyRequest): boolean {
  const path = requestPath(req);
  return !(path === '/api' || path.startsWith('/api/') || path.startsWith('/health/') || path.startsWith('/assets/'));
}

export interface PageError {
  status: number;
  code: string;
  message: { sv: string; en: string };
  requestId: string;
  errorId?: string;
}

/**
 * A page's error: sign-in needed → to the sign-in page (back here afterwards, for a GET); anything else → an
 * error page in the person's language with the request id (and the error id of a fault) to quote.
 */
export async function sendErrorPage(req: FastifyRequest, reply: FastifyReply, error: PageError): Promise<void> {
  if (error.status === 401) {
    const back = req.method === 'GET' ? `?tillbaka=${encodeURIComponent(requestPath(req))}` : '';
    return redirect(reply, `/logga-in${back}`);
  }
  const locale = resolveLocale(req);
  const t = translator(locale);
  const titleKey = `error.title.${error.status}`;
  const title = t(titleKey).startsWith('⟦') ? t('error.title.other') : t(titleKey);
  return renderPage(req, reply, 'pages/error.njk', { title, error, message: error.message[locale] }, { status: error.status });
}

/**
 * The error filter's hook for pages: answers a page request with HTML and returns true; API requests return
 * false and keep their JSON body. Should a page fail to render, the JSON body is sent after all.
 */
export function sendPageErrorIfPage(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  body: Omit<PageError, 'status'>,
  logger: { error(message: unknown): void },
): boolean {
  if (!isPageRequest(req) || reply.sent) return false;
  sendErrorPage(req, reply, { status, ...body }).catch((e: unknown) => {
    logger.error({ requestId: body.requestId, err: e instanceof Error ? { name: e.name, stack: e.stack } : String(e) });
    if (!reply.sent) void reply.status(status).header('Cache-Control', 'no-store').send(body);
  });
  return true;
}
