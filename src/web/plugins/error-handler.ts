import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, errors } from '../errors.js';

/** Shown in the message when a run body is too large to parse; the configured limit is below it. */
const MAX_CODE_CHARS_HINT = 10_000;

/**
 * Turns every failure into a response: the JSON error shape for API calls, an
 * error page for browsers. Anything unexpected is logged with the request id and
 * gets a generic 500, so no stack trace or internal message leaves the server.
 */
export const errorHandlerPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error, request);
    if (appError.statusCode >= 500 && appError.code === 'internal_error') {
      request.log.error({ err: error }, 'request failed');
    } else {
      request.log.info({ code: appError.code, statusCode: appError.statusCode }, 'request rejected');
    }
    return sendError(request, reply, appError);
  });

  app.setNotFoundHandler((request, reply) => sendError(request, reply, errors.notFound()));
}, { name: 'error-handler' });

function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  reply.code(error.statusCode);
  if (error.extra.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.extra.retryAfterSeconds));

  if (wantsHtml(request) && typeof reply.view === 'function') {
    const template = error.statusCode === 404 ? 'not-found.njk' : 'error.njk';
    try {
      return reply.view(template, { error: error.toBody().error, statusCode: error.statusCode, requestId: request.id });
    } catch (renderError) {
      request.log.error({ err: renderError }, 'error page failed to render');
    }
  }
  return reply.type('application/json; charset=utf-8').send({ ...error.toBody(), requestId: request.id });
}

function wantsHtml(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/') || request.url.startsWith('/paypal/')) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

/** Maps Fastify's own errors (validation, body size, bad JSON) onto the catalogue. */
function toAppError(error: FastifyError, request: FastifyRequest): AppError {
  if (error instanceof AppError) return error;
  // Code is the only large field of a run, so a body over the run route's limit is code that is too long.
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' && request.url === '/api/run') return errors.codeTooLong(MAX_CODE_CHARS_HINT);
  if (error.validation) return errors.invalidInput(validationFields(error), 'Some fields are invalid.');
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return errors.payloadTooLarge();
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return errors.malformedJson();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return errors.unsupportedMediaType();
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': return new AppError(400, 'bad_request', 'The Content-Length header does not match the body.');
    default: break;
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError(error.statusCode, 'bad_request', 'The request could not be understood.');
  }
  return errors.internal();
}

function validationFields(error: FastifyError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.validation ?? []) {
    const missing = (issue.params as { missingProperty?: string } | undefined)?.missingProperty;
    const name = missing ?? issue.instancePath.replace(/^\//, '').replace(/\//g, '.') ?? 'body';
    fields[name || 'body'] = missing ? 'is required' : (issue.message ?? 'is invalid');
  }
  return fields;
}
