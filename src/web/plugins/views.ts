import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import nunjucks from 'nunjucks';

const VIEWS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'views');

/** Adds `reply.view(template, context)`, rendering Nunjucks templates with auto-escaping on. */
export const viewsPlugin = fp(async (app: FastifyInstance, options: { production: boolean }) => {
  // autoescape: every {{ value }} is HTML-escaped unless a template marks it safe.
  const environment = new nunjucks.Environment(new nunjucks.FileSystemLoader(VIEWS_DIR, { noCache: !options.production }), { autoescape: true, throwOnUndefined: false });

  app.decorateReply('view', function view(this: FastifyReply, template: string, context: Record<string, unknown> = {}): FastifyReply {
    const request = this.request;
    const html = environment.render(template, {
      user: request.user,
      csrfToken: request.csrfToken(this),
      path: request.url.split('?')[0],
      assetUrl: (name: string) => `/static/build/${name}`,
      ...context,
    });
    return this.type('text/html; charset=utf-8').send(html);
  });
}, { name: 'views', dependencies: ['csrf', 'sessions'] });
