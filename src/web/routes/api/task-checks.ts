import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Db } from '../../../db/client.js';
import { listPassedTasks, recordTaskPassed } from '../../../learning/progress/task-progress.js';
import { checkTask } from '../../../learning/task-checks.js';
import { SandboxBusyError, SandboxUnavailableError, type SandboxClient } from '../../../sandbox/client.js';
import { holdsPlanFor } from '../../../billing/entitlements.js';
import { errors } from '../../errors.js';
import type { RunLocks } from '../../guards/run-locks.js';
import type { RateLimitRules } from '../limits.js';
import { RUN_BODY_LIMIT_BYTES } from './run.js';

const CheckParams = Type.Object({ id: Type.String({ maxLength: 100 }), taskId: Type.String({ maxLength: 100 }) });
const CheckBody = Type.Object({ code: Type.String() });

export interface TaskCheckRouteOptions {
  db: Db;
  sandbox: SandboxClient;
  runLocks: RunLocks;
  rules: RateLimitRules;
  maxCodeChars: number;
  sandboxTimeoutMs: number;
}

/** Automatic feedback on exercises: runs the learner's code against a task's checks and records a pass. */
export async function taskCheckRoutes(app: FastifyInstance, options: TaskCheckRouteOptions): Promise<void> {
  const lessonParams = Type.Object({ id: Type.String({ maxLength: 100 }) });

  app.get<{ Params: Static<typeof lessonParams> }>('/api/lessons/:id/progress', {
    schema: { params: lessonParams },
    config: { security: { access: 'signed-in', csrf: 'safe-method', rateLimits: { perIp: options.rules.apiPerIp } } },
  }, async (request) => {
    if (!app.content.getLesson(request.params.id)) throw errors.notFound('The lesson');
    return { passedTasks: await listPassedTasks(options.db, request.user!.id, request.params.id) };
  });

  app.post<{ Params: Static<typeof CheckParams>; Body: Static<typeof CheckBody> }>('/api/lessons/:id/tasks/:taskId/check', {
    schema: { params: CheckParams, body: CheckBody },
    bodyLimit: RUN_BODY_LIMIT_BYTES,
    config: { security: { access: 'signed-in', csrf: 'token', rateLimits: { perIp: options.rules.runPerIp, perUser: options.rules.runPerUser } } },
  }, async (request) => {
    const lesson = app.content.getLesson(request.params.id);
    const task = lesson?.tasks.find((candidate) => candidate.id === request.params.taskId);
    if (!lesson || !task) throw errors.notFound('The task');
    if (!holdsPlanFor(app.plans, request.user!, lesson.requiredPlan)) throw errors.planRequired(lesson.requiredPlan, app.plans.getPlan(lesson.requiredPlan)?.name);
    if (request.body.code.length > options.maxCodeChars) throw errors.codeTooLong(options.maxCodeChars);

    const release = await options.runLocks.acquire(request.user!.id, options.sandboxTimeoutMs * task.checks.length + 5_000);
    if (!release) throw errors.runInProgress();
    try {
      const outcome = await checkTask(task, request.body.code, (code, stdin) => options.sandbox.execute({ code, stdin }));
      if (outcome.passed) await recordTaskPassed(options.db, request.user!.id, lesson.id, task.id);
      return outcome;
    } catch (error) {
      if (error instanceof SandboxBusyError) throw errors.sandboxBusy(error.retryAfterSeconds);
      if (error instanceof SandboxUnavailableError) throw errors.sandboxUnavailable();
      throw error;
    } finally {
      await release();
    }
  });
}
