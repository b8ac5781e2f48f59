import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createRateLimits } from '../../src/web/guards/rate-limits.js';
import { routeSecurityPlugin } from '../../src/web/plugins/route-security.js';
import { startWebApp, type RunningWebApp } from '../helpers/web-app.js';

describe('route security declarations', () => {
  let web: RunningWebApp;

  before(async () => { web = await startWebApp(); });
  after(async () => { await web?.close(); });

  it('declares every state-changing route with a CSRF defence', () => {
    const changing = web.app.securedRoutes.filter((route) => !['GET', 'HEAD', 'OPTIONS'].includes(route.method));
    assert.ok(changing.length > 0);
    for (const route of changing) {
      assert.notEqual(route.security.csrf, 'safe-method', `${route.method} ${route.url}`);
    }
  });

  it('lists every route in docs/ATTACK_SURFACE.md', async () => {
    const doc = await fs.readFile('docs/ATTACK_SURFACE.md', 'utf8');
    const missing = web.app.securedRoutes
      .filter((route) => route.method !== 'HEAD')
      .map((route) => `${route.method} ${route.url}`)
      .filter((entry) => !doc.includes(`\`${entry}\``));
    assert.deepEqual(missing, []);
  });

});

describe('routeSecurityPlugin', () => {
  async function appWithPlugin(): Promise<FastifyInstance> {
    const app = Fastify();
    // The plugin declares these as dependencies; empty stand-ins satisfy the check.
    await app.register(fp(async () => undefined, { name: 'sessions' }));
    await app.register(fp(async () => undefined, { name: 'csrf' }));
    await app.register(routeSecurityPlugin, { rateLimits: createRateLimits(null) });
    return app;
  }

  it('rejects a route without a declaration', async (t) => {
    const app = await appWithPlugin();
    t.after(() => app.close());
    assert.throws(() => app.get('/undeclared', async () => 'no'), /no security declaration/);
  });

  it('rejects a POST route declared safe-method', async (t) => {
    const app = await appWithPlugin();
    t.after(() => app.close());
    const security = { access: 'public', csrf: 'safe-method', rateLimits: {} } as const;
    assert.throws(() => app.post('/changes', { config: { security } }, async () => 'no'), /declares no CSRF defence/);
  });
});
