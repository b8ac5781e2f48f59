import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { recordAuditEvent } from '../../../audit/audit-log.js';
import type { Db } from '../../../db/client.js';
import { SandboxBusyError, SandboxUnavailableError, type SandboxClient } from '../../../sandbox/client.js';
import type { RunResult } from '../../../sandbox/types.js';
import { errors } from '../../errors.js';
import type { RunLocks } from '../../guards/run-locks.js';
import type { RateLimitRules } from '../limits.js';

/** Large enough that over-long code reaches the handler and gets 413 code_too_long rather than a generic 413. */
export const RUN_BODY_LIMIT_BYTES = 1024 * 1024;

const RunBody = Type.Object({
  code: Type.String(),
  stdin: Type.Optional(Type.String()),
});

export interface RunRouteOptions {
  db: Db;
  sandbox: SandboxClient;
  runLocks: RunLocks;
  rules: RateLimitRules;
  maxCodeChars: number;
  maxStdinChars: number;
  sandboxTimeoutMs: number;
}

const LIMIT_STATUSES = new Set<RunResult['status']>(['timeout', 'memory_limit', 'output_limit', 'killed']);

/** Runs learner code in the sandbox service: signed-in, rate limited, one run at a time per user. */
export async function runRoutes(app: FastifyInstance, options: RunRouteOptions): Promise<void> {
  app.post<{ Body: Static<typeof RunBody> }>('/api/run', {
    schema: { body: RunBody },
    bodyLimit: RUN_BODY_LIMIT_BYTES,
    config: { security: { access: 'signed-in', csrf: 'token', rateLimits: { perIp: options.rules.runPerIp, perUser: options.rules.runPerUser } } },
  }, async (request) => {
    const { code } = request.body;
    const stdin = request.body.stdin ?? '';
    if (code.length > options.maxCodeChars) throw errors.codeTooLong(options.maxCodeChars);
    if (stdin.length > options.maxStdinChars) throw errors.invalidInput({ stdin: `must be at most ${options.maxStdinChars} characters` });

    const user = request.user!;
    // The lock outlives the sandbox timeout slightly, so a crashed instance frees it on its own.
    const release = await options.runLocks.acquire(user.id, options.sandboxTimeoutMs + 5_000);
    if (!release) throw errors.runInProgress();

    let result: RunResult;
    try {
      result = await options.sandbox.execute({ code, stdin });
    } catch (error) {
      if (error instanceof SandboxBusyError) throw errors.sandboxBusy(error.retryAfterSeconds);
      if (error instanceof SandboxUnavailableError) {
        request.log.warn({ err: error }, 'sandbox unavailable');
        throw errors.sandboxUnavailable();
      }
      throw error;
    } finally {
      await release();
    }

    request.log.info({ status: result.status, durationMs: result.durationMs, codeChars: code.length }, 'run finished');
    if (LIMIT_STATUSES.has(result.status)) {
      await recordAuditEvent(options.db, { type: 'sandbox_limit_hit', userId: user.id, ip: request.ip, details: { status: result.status } });
    }
    return result;
  });
}
