import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import secureJsonParse from 'secure-json-parse';
import { errors } from '../errors.js';

/**
 * JSON is the only body type the API reads (the PayPal IPN route adds its own
 * form parser). Bodies are parsed without `__proto__` or `constructor.prototype`
 * keys, so no request can reach an object's prototype, and a text field
 * containing a null character is rejected, because Postgres cannot store one.
 */
export const jsonBodyPlugin = fp(async (app: FastifyInstance) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    let value: unknown;
    try {
      value = secureJsonParse.parse(body as string, undefined, { protoAction: 'remove', constructorAction: 'remove' });
    } catch {
      done(errors.malformedJson(), undefined);
      return;
    }
    if (containsNullCharacter(value)) {
      done(errors.invalidInput({ body: 'must not contain null characters' }, 'Text fields must not contain null characters.'), undefined);
      return;
    }
    done(null, value);
  });
}, { name: 'json-body' });

function containsNullCharacter(value: unknown, depth = 0): boolean {
  // Deeply nested bodies are rejected by the schema anyway; stop walking early.
  if (depth > 64) return false;
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some((item) => containsNullCharacter(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => key.includes('\u0000') || containsNullCharacter(item, depth + 1));
  }
  return false;
}
