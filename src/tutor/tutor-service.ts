import type { Db } from '../db/client.js';
import type { Lesson } from '../learning/types.js';
import { appendTutorExchange, GENERAL_CONVERSATION, listRecentTutorMessages } from './conversation-store.js';
import { DailyLimitReachedError, TutorAbortedError, TutorNotConfiguredError, TutorUpstreamError } from './errors.js';
import { buildTutorMessages, type LastRun } from './prompt.js';
import type { TutorProvider } from './provider.js';
import { chargeTutorQuestion, refundTutorQuestion } from './quota.js';

/** Earlier messages of the conversation replayed with each question: three questions and their answers. */
export const HISTORY_MESSAGES = 6;

/**
 * Characters allowed per answer token. Upstream `max_tokens` is the real limit;
 * this cap stops a server that ignores it from sending an answer without end.
 */
const MAX_CHARS_PER_TOKEN = 8;

/** The subset of a pino logger the tutor writes to. */
export interface TutorLog {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface TutorDependencies {
  db: Db;
  /** Null when the tutor is not configured. */
  provider: TutorProvider | null;
  maxAnswerTokens: number;
  log: TutorLog;
}

/** One learner question with its context; `lesson` is loaded by the server, never taken from the client. */
export interface TutorQuestion {
  userId: string;
  dailyLimit: number;
  lesson: Lesson | null;
  message: string;
  code?: string;
  lastRun?: LastRun;
}

/** An answer that has started to arrive. */
export interface TutorAnswer {
  /** Questions left today after this one. */
  remaining: number;
  /**
   * The answer's text pieces, the first of which has already arrived. Reading to
   * the end (or stopping early) stores the question with the text read so far.
   */
  pieces: AsyncGenerator<string, void, undefined>;
}

/**
 * Charges the question to the daily quota, sends it upstream and waits for the
 * first piece of the answer. When the upstream fails before any text arrives the
 * charge is refunded, because the learner got nothing for it. A caller abort is
 * not refunded, because the upstream may already have spent tokens on the prompt.
 */
export async function startTutorAnswer(deps: TutorDependencies, question: TutorQuestion, signal: AbortSignal): Promise<TutorAnswer> {
  if (!deps.provider) throw new TutorNotConfiguredError();
  const charge = await chargeTutorQuestion(deps.db, question.userId, question.dailyLimit);
  if (!charge.allowed) throw new DailyLimitReachedError(question.dailyLimit, charge.resetsAt);

  const conversation = question.lesson?.id ?? GENERAL_CONVERSATION;
  let upstream: AsyncGenerator<string, void, undefined>;
  let first: IteratorResult<string, void>;
  try {
    const history = await listRecentTutorMessages(deps.db, question.userId, conversation, HISTORY_MESSAGES);
    const messages = buildTutorMessages({ lesson: question.lesson, history, message: question.message, code: question.code, lastRun: question.lastRun });
    upstream = deps.provider.streamAnswer(messages, signal);
    first = await upstream.next();
    if (first.done) throw new TutorUpstreamError('unavailable', 'upstream finished without any text');
  } catch (error) {
    if (!(error instanceof TutorAbortedError)) await refundQuietly(deps, question.userId, charge.day);
    throw error;
  }

  const exchange = { userId: question.userId, lessonId: conversation, question: question.message };
  return { remaining: charge.remaining, pieces: relayAndStore(deps, exchange, first.value, upstream) };
}

async function* relayAndStore(
  deps: TutorDependencies,
  exchange: { userId: string; lessonId: string; question: string },
  firstPiece: string,
  upstream: AsyncGenerator<string, void, undefined>,
): AsyncGenerator<string, void, undefined> {
  const maxChars = deps.maxAnswerTokens * MAX_CHARS_PER_TOKEN;
  let answer = '';
  try {
    let piece: string | void = firstPiece;
    while (piece !== undefined) {
      const kept = piece.slice(0, maxChars - answer.length);
      answer += kept;
      yield kept;
      if (answer.length >= maxChars) break;
      piece = (await upstream.next()).value;
    }
  } finally {
    // Closes the upstream request when the loop left early (length cap, caller stopped reading).
    await upstream.return(undefined);
    await storeQuietly(deps, { ...exchange, answer });
  }
}

async function refundQuietly(deps: TutorDependencies, userId: string, day: string): Promise<void> {
  try {
    await refundTutorQuestion(deps.db, userId, day);
  } catch (error) {
    deps.log.error({ err: error, userId }, 'tutor quota refund failed');
  }
}

/** Stores the exchange; a failure is logged and swallowed, because the learner already has the answer. */
async function storeQuietly(deps: TutorDependencies, exchange: { userId: string; lessonId: string; question: string; answer: string }): Promise<void> {
  if (exchange.answer === '') return;
  try {
    await appendTutorExchange(deps.db, exchange);
  } catch (error) {
    deps.log.error({ err: error, userId: exchange.userId }, 'storing the tutor conversation failed');
  }
}
