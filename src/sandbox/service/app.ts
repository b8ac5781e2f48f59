import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { explainError } from '../../explain/index.js';
import type { RunLimits, RunResult, SandboxBackend } from '../types.js';
import { lowerLimits } from './limits.js';
import { createRunQueue, QueueAbandonedError, QueueFullError } from './run-queue.js';
import { secretMatches } from './secret.js';

/** Largest code and stdin the service accepts, in characters; the web app's own limit is lower. */
export const MAX_SERVICE_CODE_CHARS = 100_000;
export const MAX_SERVICE_STDIN_CHARS = 100_000;
const BODY_LIMIT_BYTES = 1024 * 1024;

/** Seconds a client should wait when every slot and queue place is taken. */
const BUSY_RETRY_AFTER_SECONDS = 2;

const LimitsSchema = Type.Object(
  {
    cpuMs: Type.Optional(Type.Integer({ minimum: 1 })),
    wallMs: Type.Optional(Type.Integer({ minimum: 1 })),
    memoryBytes: Type.Optional(Type.Integer({ minimum: 1 })),
    maxProcesses: Type.Optional(Type.Integer({ minimum: 1 })),
    maxFileBytes: Type.Optional(Type.Integer({ minimum: 1 })),
    maxOutputBytes: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

const ExecuteBody = Type.Object(
  {
    code: Type.String({ maxLength: MAX_SERVICE_CODE_CHARS }),
    stdin: Type.Optional(Type.String({ maxLength: MAX_SERVICE_STDIN_CHARS })),
    limits: Type.Optional(LimitsSchema),
  },
  { additionalProperties: false },
);
type ExecuteBodyType = Static<typeof ExecuteBody>;

export interface SandboxAppOptions {
  backend: SandboxBackend;
  secret: string;
  limits: RunLimits;
  concurrency: number;
  queueMax: number;
  /** A pino logger; without it the service logs nothing. */
  logger?: FastifyBaseLogger;
}

/** Builds the sandbox service's HTTP app without listening. The caller owns the backend's lifecycle. */
export function buildSandboxApp(options: SandboxAppOptions): FastifyInstance {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: BODY_LIMIT_BYTES,
    return503OnClosing: true,
    // The schema is the contract: unknown fields and wrong types are rejected, not stripped or converted.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
  });
  const queue = createRunQueue(options.concurrency, options.queueMax);

  app.setErrorHandler((error: { statusCode?: number; validation?: unknown; message: string }, request, reply) => {
    const statusCode = error.statusCode ?? 500;
    if (statusCode >= 500) request.log.error({ err: error }, 'sandbox request failed');
    let code = 'bad_request';
    if (statusCode === 413) code = 'payload_too_large';
    else if (error.validation) code = 'invalid_input';
    else if (statusCode >= 500) code = 'internal_error';
    const message = statusCode >= 500 ? 'The sandbox failed to handle the request.' : error.message;
    return reply.code(statusCode).send({ error: { code, message } });
  });

  app.get('/healthz', async () => ({
    status: 'ok',
    backend: options.backend.name,
    pythonVersion: options.backend.pythonVersion(),
    load: { active: queue.active(), waiting: queue.waiting(), concurrency: options.concurrency, queueMax: options.queueMax },
  }));

  app.post<{ Body: ExecuteBodyType }>('/v1/execute', {
    // The secret is checked before the body is parsed or validated, so a caller without it learns nothing.
    onRequest: async (request, reply) => {
      const header = request.headers['x-sandbox-secret'];
      if (!secretMatches(typeof header === 'string' ? header : undefined, options.secret)) {
        return reply.code(401).send({ error: { code: 'unauthorized', message: 'Missing or wrong sandbox secret.' } });
      }
    },
    schema: { body: ExecuteBody },
  }, async (request, reply) => {
    const limits = lowerLimits(options.limits, request.body.limits);
    const code = request.body.code;
    const callerGone = new AbortController();
    reply.raw.once('close', () => { if (!reply.raw.writableFinished) callerGone.abort(); });
    try {
      const result = await queue.enqueue(() => options.backend.run({ code, stdin: request.body.stdin ?? '', limits }), callerGone.signal);
      return withExplanation(code, result);
    } catch (error) {
      if (error instanceof QueueAbandonedError) {
        request.log.info('run dropped from the queue because the caller went away');
        return reply;
      }
      if (!(error instanceof QueueFullError)) throw error;
      reply.header('retry-after', String(BUSY_RETRY_AFTER_SECONDS));
      return reply.code(503).send({ error: { code: 'sandbox_busy', message: 'Every sandbox is busy; try again in a moment.' } });
    }
  });

  return app;
}

function withExplanation(code: string, result: RunResult): RunResult {
  if (result.status !== 'error') return result;

  const explanation = explainError(code, result.stderr);
  return explanation ? { ...result, explanation } : result;
}
