import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Lesson } from '../../../learning/types.js';
import { holdsPlanFor } from '../../../billing/entitlements.js';
import { errors } from '../../errors.js';
import type { RateLimitRules } from '../limits.js';

const LessonParams = Type.Object({ id: Type.String({ maxLength: 100 }) });

/** Registers the course catalogue and single-lesson routes, gated by plan on the server. */
export async function lessonRoutes(app: FastifyInstance, options: { rules: RateLimitRules }): Promise<void> {
  const perIp = { perIp: options.rules.apiPerIp };

  app.get('/api/lessons', { config: { security: { access: 'public', csrf: 'safe-method', rateLimits: perIp } } }, async (request) => {
    const planId = request.user?.plan ?? 'free';
    const lessons = app.content.listLessons().map((lesson) => ({
      id: lesson.id,
      title: lesson.title,
      summary: lesson.summary,
      phase: lesson.phase,
      phaseTitle: lesson.phaseTitle,
      track: lesson.track,
      requiredPlan: lesson.requiredPlan,
      locked: !request.user || !holdsPlanFor(app.plans, request.user, lesson.requiredPlan),
    }));
    return { lessons };
  });

  app.get<{ Params: Static<typeof LessonParams> }>('/api/lessons/:id', {
    schema: { params: LessonParams },
    config: { security: { access: 'signed-in', csrf: 'safe-method', rateLimits: perIp } },
  }, async (request) => {
    const lesson = app.content.getLesson(request.params.id);
    if (!lesson) throw errors.notFound('The lesson');
    if (!holdsPlanFor(app.plans, request.user!, lesson.requiredPlan)) throw errors.planRequired(lesson.requiredPlan, app.plans.getPlan(lesson.requiredPlan)?.name);

    return { lesson: toLessonView(lesson) };
  });
}

/** Builds the lesson as sent to the browser; reference solutions stay on the server. */
function toLessonView(lesson: Lesson): Record<string, unknown> {
  return {
    id: lesson.id,
    title: lesson.title,
    summary: lesson.summary,
    phase: lesson.phase,
    phaseTitle: lesson.phaseTitle,
    track: lesson.track,
    requiredPlan: lesson.requiredPlan,
    bodyHtml: lesson.bodyHtml,
    example: { code: lesson.example.code, stdin: lesson.example.stdin, expectedOutput: lesson.example.expectedOutput },
    tasks: lesson.tasks.map((task) => ({ id: task.id, title: task.title, promptHtml: task.promptHtml, starterCode: task.starterCode, hints: task.hints })),
  };
}
