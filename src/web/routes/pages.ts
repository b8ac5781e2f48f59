/** Server-rendered HTML pages: home, learning path, lessons, sign-up and sign-in. */
import { holdsPlanFor } from '../../billing/entitlements.js';
import type { Db } from '../../db/client.js';
import { countPassedTasksByLesson } from '../../learning/progress/task-progress.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FREE_PLAN_ID, type PlanCatalogue } from '../../learning/content/plans.js';
import type { Lesson, LessonTask } from '../../learning/types.js';
import type { RouteSecurity } from '../plugins/route-security.js';
import { safeNextPath } from './safe-next.js';

/**
 * Pages are public reads. The lesson page redirects signed-out visitors to sign in itself,
 * because a browser is better served by a redirect than by the 401 of `access: 'signed-in'`.
 * NOTE: pages count against no rate limit, because the app registers them without limit rules.
 */
const PAGE_SECURITY: RouteSecurity = { access: 'public', csrf: 'safe-method', rateLimits: {} };
const PAGE_OPTIONS = { config: { security: PAGE_SECURITY } };

/** The part of an account that decides which lessons it may open. */
export interface PlanHolder {
  plan: string;
  plans?: readonly string[];
}

interface LessonCard {
  id: string;
  title: string;
  summary: string;
  locked: boolean;
  requiredPlanName: string;
  taskCount: number;
  /** Tasks the signed-in learner has passed, or null when signed out. */
  passedTasks: number | null;
}

interface PhaseGroup {
  phase: number;
  title: string;
  lessons: LessonCard[];
}

/** Task fields the lesson page shows; the solution and the checks stay on the server. */
interface TaskView {
  id: string;
  title: string;
  promptHtml: string;
  starterCode: string;
  hints: string[];
}

interface LessonLink {
  id: string;
  title: string;
}

/**
 * Decides whether `user` may not open `lesson`. Free lessons are open to everyone, and any
 * other lesson needs a signed-in account holding a plan that includes the required plan,
 * as the lesson API checks for signed-in accounts.
 */
export function isLessonLocked(
  lesson: Pick<Lesson, 'requiredPlan'>,
  user: PlanHolder | null,
  plans: PlanCatalogue,
): boolean {
  if (lesson.requiredPlan === FREE_PLAN_ID) return false;
  if (!user) return true;
  return !holdsPlanFor(plans, user, lesson.requiredPlan);
}

/** Registers the HTML page routes. */
export async function pageRoutes(app: FastifyInstance, options: { tutorEnabled: boolean; db: Db }): Promise<void> {
  app.get('/', PAGE_OPTIONS, async (_request, reply) => {
    const firstLesson = app.content.listLessons()[0] ?? null;
    return reply.view('home.njk', { firstLesson: firstLesson ? toLessonLink(firstLesson) : null });
  });

  app.get('/learn', PAGE_OPTIONS, async (request, reply) => {
    const passed = request.user ? await countPassedTasksByLesson(options.db, request.user.id) : null;
    const phases = groupByPhase(app.content.listLessons(), request.user, app.plans, passed);
    return reply.view('learn.njk', { phases });
  });

  app.get<{ Params: { id: string } }>('/lessons/:id', PAGE_OPTIONS, async (request, reply) => showLesson(app, request, reply, options.tutorEnabled));

  app.get<{ Querystring: { next?: unknown } }>('/signin', PAGE_OPTIONS, async (request, reply) => {
    const next = safeNextPath(request.query.next);
    if (request.user) return reply.redirect(next);
    return reply.view('signin.njk', { next });
  });

  app.get<{ Querystring: { next?: unknown } }>('/signup', PAGE_OPTIONS, async (request, reply) => {
    const next = safeNextPath(request.query.next);
    if (request.user) return reply.redirect(next);
    return reply.view('signup.njk', { next });
  });
}

async function showLesson(
  app: FastifyInstance,
  request: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
  tutorEnabled: boolean,
): Promise<FastifyReply> {
  const lesson = app.content.getLesson(request.params.id);
  if (!lesson) return reply.code(404).view('not-found.njk');

  if (!request.user) {
    const next = `/lessons/${encodeURIComponent(lesson.id)}`;
    return reply.redirect(`/signin?next=${encodeURIComponent(next)}`);
  }

  if (isLessonLocked(lesson, request.user, app.plans)) {
    const requiredPlanName = findPlanName(app.plans, lesson.requiredPlan);
    return reply.code(403).view('locked.njk', { lesson: toLessonLink(lesson), requiredPlanName, requiredPlanId: lesson.requiredPlan, unlockingPlanNames: listUnlockingPlanNames(app.plans, lesson.requiredPlan) });
  }

  const lessons = app.content.listLessons();
  const index = lessons.findIndex((candidate) => candidate.id === lesson.id);
  const previous = index > 0 ? lessons[index - 1] : undefined;
  const next = index >= 0 ? lessons[index + 1] : undefined;

  return reply.view('lesson.njk', {
    tutorEnabled,
    lesson: {
      id: lesson.id,
      title: lesson.title,
      phase: lesson.phase,
      phaseTitle: lesson.phaseTitle,
      summary: lesson.summary,
      bodyHtml: lesson.bodyHtml,
      exampleCode: lesson.example.code,
      exampleStdin: lesson.example.stdin,
      tasks: lesson.tasks.map(toTaskView),
    },
    previousLesson: previous ? toLessonLink(previous) : null,
    nextLesson: next ? toLessonLink(next) : null,
  });
}

function groupByPhase(lessons: readonly Lesson[], user: PlanHolder | null, plans: PlanCatalogue, passed: Map<string, number> | null): PhaseGroup[] {
  const groups: PhaseGroup[] = [];
  for (const lesson of lessons) {
    let group = groups.find((candidate) => candidate.phase === lesson.phase);
    if (!group) {
      group = { phase: lesson.phase, title: lesson.phaseTitle, lessons: [] };
      groups.push(group);
    }
    group.lessons.push({
      id: lesson.id,
      title: lesson.title,
      summary: lesson.summary,
      locked: isLessonLocked(lesson, user, plans),
      requiredPlanName: findPlanName(plans, lesson.requiredPlan),
      taskCount: lesson.tasks.length,
      passedTasks: passed ? Math.min(passed.get(lesson.id) ?? 0, lesson.tasks.length) : null,
    });
  }
  return groups.sort((a, b) => a.phase - b.phase);
}

function findPlanName(plans: PlanCatalogue, planId: string): string {
  return plans.getPlan(planId)?.name ?? planId;
}

/** Lists the names of the plans that open content marked `requiredPlanId`, in file order. */
function listUnlockingPlanNames(plans: PlanCatalogue, requiredPlanId: string): string[] {
  return plans.listPlans().filter((plan) => plans.planIncludes(plan.id, requiredPlanId)).map((plan) => plan.name);
}

function toLessonLink(lesson: Lesson): LessonLink {
  return { id: lesson.id, title: lesson.title };
}

function toTaskView(task: LessonTask): TaskView {
  return {
    id: task.id,
    title: task.title,
    promptHtml: task.promptHtml,
    starterCode: task.starterCode,
    hints: task.hints,
  };
}
