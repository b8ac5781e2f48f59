import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/**
 * CSRF defence: a random secret in an HttpOnly, SameSite=Lax cookie, and a token
 * that is an HMAC of that secret under a server key. A cross-site page cannot read
 * the token, and a planted cookie is useless without the server key.
 */
export const CSRF_COOKIE = 'lp_csrf';
const SECRET_BYTES = 32;
const MAX_TOKEN_CHARS = 200;

declare module 'fastify' {
  interface FastifyRequest {
    /** The CSRF token for this browser, created (with its cookie) on first use. */
    csrfToken(reply: FastifyReply): string;
    /** True when the x-csrf-token header matches this browser's CSRF cookie. */
    hasValidCsrfToken(): boolean;
  }
}

/** Adds the CSRF request helpers; `key` must be shared by every app instance behind one site. */
export const csrfPlugin = fp(async (app: FastifyInstance, options: { key: Buffer; secureCookies: boolean }) => {
  const tokenForSecret = (secret: string): string => createHmac('sha256', options.key).update(secret).digest('base64url');

  app.decorateRequest('csrfToken', function csrfToken(this: FastifyRequest, reply: FastifyReply): string {
    let secret = this.cookies[CSRF_COOKIE];
    if (!secret || secret.length > MAX_TOKEN_CHARS) {
      secret = randomBytes(SECRET_BYTES).toString('base64url');
      this.cookies[CSRF_COOKIE] = secret;
      reply.setCookie(CSRF_COOKIE, secret, { httpOnly: true, sameSite: 'lax', secure: options.secureCookies, path: '/' });
    }
    return tokenForSecret(secret);
  });

  app.decorateRequest('hasValidCsrfToken', function hasValidCsrfToken(this: FastifyRequest): boolean {
    const secret = this.cookies[CSRF_COOKIE];
    const header = this.headers['x-csrf-token'];
    if (!secret || typeof header !== 'string' || header.length === 0 || header.length > MAX_TOKEN_CHARS) return false;

    const expected = Buffer.from(tokenForSecret(secret));
    const presented = Buffer.from(header);
    return expected.length === presented.length && timingSafeEqual(expected, presented);
  });
}, { name: 'csrf' });
