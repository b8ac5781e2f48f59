import { PassThrough } from 'node:stream';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { TutorConfig } from '../../../config/tutor-config.js';
import { holdsPlanFor } from '../../../billing/entitlements.js';
import type { Db } from '../../../db/client.js';
import { FREE_PLAN_ID } from '../../../learning/content/plans.js';
import type { Lesson } from '../../../learning/types.js';
import { clearTutorConversation, GENERAL_CONVERSATION, listRecentTutorMessages, MAX_STORED_MESSAGES } from '../../../tutor/conversation-store.js';
import { DailyLimitReachedError, TutorAbortedError, TutorNotConfiguredError, TutorUpstreamError } from '../../../tutor/errors.js';
import { createTutorProvider } from '../../../tutor/provider.js';
import { readTutorQuota } from '../../../tutor/quota.js';
import { startTutorAnswer, type TutorAnswer, type TutorDependencies } from '../../../tutor/tutor-service.js';
import { AppError, errors, type ErrorBody } from '../../errors.js';
import type { RateLimitRules } from '../limits.js';
import { RUN_BODY_LIMIT_BYTES } from './run.js';

/** Maximum question length, counted in Unicode code points so that an emoji counts as one character. */
export const MAX_TUTOR_MESSAGE_CHARS = 500;
/** Maximum length of the last run's stdout or stderr in a request; the prompt keeps less of each. */
export const MAX_LAST_RUN_OUTPUT_CHARS = 20_000;

const LessonIdField = Type.String({ minLength: 1, maxLength: 100 });

// Unknown fields are dropped by Fastify's validator (additionalProperties: false with
// removeAdditional), so a client cannot smuggle lesson text in beside these.
const LastRunBody = Type.Object({
  status: Type.String({ maxLength: 40 }),
  stdout: Type.String({ maxLength: MAX_LAST_RUN_OUTPUT_CHARS }),
  stderr: Type.String({ maxLength: MAX_LAST_RUN_OUTPUT_CHARS }),
}, { additionalProperties: false });

const TutorBody = Type.Object({
  message: Type.String(),
  lessonId: Type.Optional(LessonIdField),
  code: Type.Optional(Type.String()),
  lastRun: Type.Optional(LastRunBody),
}, { additionalProperties: false });

const ConversationQuery = Type.Object({ lessonId: Type.Optional(LessonIdField) }, { additionalProperties: false });

export interface TutorRouteOptions {
  db: Db;
  rules: RateLimitRules;
  tutor: Readonly<TutorConfig>;
  maxCodeChars: number;
}

/** Registers the AI tutor routes: questions to an OpenAI-compatible model, the daily quota per plan, and stored conversations. */
export async function tutorRoutes(app: FastifyInstance, options: TutorRouteOptions): Promise<void> {
  const provider = createTutorProvider(options.tutor);
  const readSecurity = { access: 'signed-in', csrf: 'safe-method', rateLimits: { perIp: options.rules.apiPerIp } } as const;

  app.post<{ Body: Static<typeof TutorBody> }>('/api/tutor', {
    schema: { body: TutorBody },
    bodyLimit: RUN_BODY_LIMIT_BYTES,
    config: { security: { access: 'signed-in', csrf: 'token', rateLimits: { perIp: options.rules.apiPerIp, perUser: options.rules.tutorPerUser } } },
  }, async (request, reply) => {
    const { message, code, lastRun } = request.body;
    checkQuestionLengths(message, code, options.maxCodeChars);
    const lesson = findAllowedLesson(app, request, request.body.lessonId);
    if (!provider) throw errors.tutorNotConfigured();

    const upstreamAbort = new AbortController();
    // Pressing Stop or closing the page closes the connection, and the upstream request stops with it.
    reply.raw.on('close', () => { if (!reply.raw.writableFinished) upstreamAbort.abort(); });

    const deps: TutorDependencies = { db: options.db, provider, maxAnswerTokens: options.tutor.maxAnswerTokens, log: request.log };
    const question = { userId: request.user!.id, dailyLimit: dailyLimitOf(app, request), lesson, message, code, lastRun };
    let answer: TutorAnswer;
    try {
      answer = await startTutorAnswer(deps, question, upstreamAbort.signal);
    } catch (error) {
      throw toHttpError(error, request.log);
    }

    reply.header('cache-control', 'no-store');
    if (wantsEventStream(request)) return streamAnswer(reply, answer, request.log);
    return { reply: await collectAnswer(answer, request.log), remaining: answer.remaining };
  });

  app.get('/api/tutor/quota', { config: { security: readSecurity } }, async (request, reply) => {
    if (!provider) throw errors.tutorNotConfigured();

    reply.header('cache-control', 'no-store');
    return readTutorQuota(options.db, request.user!.id, dailyLimitOf(app, request));
  });

  app.get<{ Querystring: Static<typeof ConversationQuery> }>('/api/tutor/conversation', {
    schema: { querystring: ConversationQuery },
    config: { security: readSecurity },
  }, async (request, reply) => {
    const lesson = findAllowedLesson(app, request, request.query.lessonId);

    const stored = await listRecentTutorMessages(options.db, request.user!.id, lesson?.id ?? GENERAL_CONVERSATION, MAX_STORED_MESSAGES);
    reply.header('cache-control', 'no-store');
    return { messages: stored.map((entry) => ({ role: entry.role, content: entry.content, createdAt: entry.createdAt.toISOString() })) };
  });

  app.delete<{ Querystring: Static<typeof ConversationQuery> }>('/api/tutor/conversation', {
    schema: { querystring: ConversationQuery },
    config: { security: { access: 'signed-in', csrf: 'token', rateLimits: { perIp: options.rules.apiPerIp } } },
  }, async (request, reply) => {
    const lesson = findAllowedLesson(app, request, request.query.lessonId);

    await clearTutorConversation(options.db, request.user!.id, lesson?.id ?? GENERAL_CONVERSATION);
    return reply.code(204).send();
  });
}

function checkQuestionLengths(message: string, code: string | undefined, maxCodeChars: number): void {
  if (message.trim() === '') throw errors.invalidInput({ message: 'must not be empty' });
  if ([...message].length > MAX_TUTOR_MESSAGE_CHARS) throw errors.messageTooLong(MAX_TUTOR_MESSAGE_CHARS);
  if (code !== undefined && code.length > maxCodeChars) throw errors.invalidInput({ code: `must be at most ${maxCodeChars} characters` });
}

/** Loads the lesson named by the client from the server's catalogue; throws 404 when unknown and 403 when the plan lacks it. */
function findAllowedLesson(app: FastifyInstance, request: FastifyRequest, lessonId: string | undefined): Lesson | null {
  if (lessonId === undefined) return null;

  const lesson = app.content.getLesson(lessonId);
  if (!lesson) throw errors.notFound('The lesson');
  // Without this check the tutor would read out a paid lesson to any free account.
  if (!holdsPlanFor(app.plans, request.user!, lesson.requiredPlan)) throw errors.planRequired(lesson.requiredPlan, app.plans.getPlan(lesson.requiredPlan)?.name);
  return lesson;
}

function dailyLimitOf(app: FastifyInstance, request: FastifyRequest): number {
  const plan = app.plans.getPlan(request.user!.plan) ?? app.plans.getPlan(FREE_PLAN_ID);
  return plan?.tutorDailyLimit ?? 0;
}

function wantsEventStream(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/event-stream');
}

/**
 * Maps tutor failures onto the error catalogue. Upstream failures are logged
 * with our own reason and status only; the client never sees upstream text.
 */
function toHttpError(error: unknown, log: FastifyBaseLogger): unknown {
  if (error instanceof TutorNotConfiguredError) return errors.tutorNotConfigured();
  if (error instanceof DailyLimitReachedError) {
    const retryAfterSeconds = Math.max(1, Math.ceil((error.resetsAt.getTime() - Date.now()) / 1000));
    return errors.dailyLimitReached(error.limit, error.resetsAt, retryAfterSeconds);
  }
  if (error instanceof TutorUpstreamError) {
    log.warn({ reason: error.message, upstreamStatus: error.upstreamStatus, kind: error.kind }, 'tutor upstream failed');
    return error.kind === 'busy' ? errors.tutorBusy() : errors.tutorUnavailable();
  }
  if (error instanceof TutorAbortedError) {
    log.info('tutor request aborted by the client');
    // The client has disconnected, so this error only ends the request.
    return errors.tutorUnavailable();
  }
  return error;
}

async function collectAnswer(answer: TutorAnswer, log: FastifyBaseLogger): Promise<string> {
  let text = '';
  try {
    for await (const piece of answer.pieces) text += piece;
  } catch (error) {
    throw toHttpError(error, log);
  }
  return text;
}

/**
 * Sends the answer as server-sent events: `delta` events with text, then `done`
 * with the questions left today, or `error` with the usual error body when the
 * upstream fails after the stream has begun.
 */
async function streamAnswer(reply: FastifyReply, answer: TutorAnswer, log: FastifyBaseLogger): Promise<FastifyReply> {
  const events = new PassThrough();
  // Writes after the client left fail here instead of crashing the process.
  events.on('error', () => undefined);
  reply.code(200).header('content-type', 'text/event-stream; charset=utf-8').header('x-accel-buffering', 'no');
  reply.send(events);

  try {
    for await (const text of answer.pieces) {
      // Leaving the loop closes the upstream request, in case the close event has not aborted it yet.
      if (events.destroyed) break;
      writeEvent(events, 'delta', { text });
    }
    writeEvent(events, 'done', { remaining: answer.remaining });
  } catch (error) {
    writeEvent(events, 'error', toStreamErrorBody(error, log));
  } finally {
    events.end();
  }
  return reply;
}

function toStreamErrorBody(error: unknown, log: FastifyBaseLogger): ErrorBody {
  const httpError = toHttpError(error, log);
  if (httpError instanceof AppError) return httpError.toBody();

  log.error({ err: error }, 'tutor stream failed');
  return errors.internal().toBody();
}

function writeEvent(events: PassThrough, name: 'delta' | 'done' | 'error', data: unknown): void {
  if (!events.writable) return;
  // JSON.stringify escapes line breaks, so each event's data stays on one line as SSE requires.
  events.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
}
