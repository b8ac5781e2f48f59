import { randomBytes } from 'node:crypto';
import type { Lesson } from '../learning/types.js';
import type { TutorMessage } from './conversation-store.js';
import { lessonToPromptText } from './lesson-text.js';
import { buildSystemPrompt } from './system-prompt.js';

/** One chat message in the shape of the chat completions API. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The learner's last run as the page reports it; only these fields reach the prompt. */
export interface LastRun {
  status: string;
  stdout: string;
  stderr: string;
}

/** Everything one question is built from. `lesson` comes from the server's catalogue, never from the client. */
export interface TutorPromptInput {
  lesson: Lesson | null;
  history: readonly TutorMessage[];
  message: string;
  code: string | undefined;
  lastRun: LastRun | undefined;
  /** Random id for this request's data markers; tests pass a fixed one. */
  markerId?: string;
}

/** Characters of each output stream kept in the prompt; the page may send more. */
export const MAX_PROMPT_OUTPUT_CHARS = 2_000;
/** Characters of an earlier message kept when it is replayed as history. */
export const MAX_HISTORY_MESSAGE_CHARS = 2_000;

/**
 * Builds the messages sent upstream: the standing instructions, the lesson, the
 * recent conversation, then this question with the learner's code and output.
 * Learner-supplied text is fenced with markers whose random id the learner
 * cannot know, so typing a closing marker cannot end a data block early.
 */
export function buildTutorMessages(input: TutorPromptInput): ChatMessage[] {
  const markerId = input.markerId ?? randomBytes(6).toString('hex');
  const fence = (label: string, text: string): string => fenceBlock(label, text, markerId);

  const lessonContext = input.lesson
    ? `The learner is reading this lesson of the course:\n${fence('LESSON', lessonToPromptText(input.lesson))}`
    : 'The learner is not on a lesson page, so answer general Python questions.';

  const history: ChatMessage[] = input.history.map((message) => {
    const content = clipEnd(message.content, MAX_HISTORY_MESSAGE_CHARS);
    return message.role === 'user' ? { role: 'user', content: fence('QUESTION', content) } : { role: 'assistant', content };
  });

  return [
    { role: 'system', content: buildSystemPrompt(markerId) },
    { role: 'system', content: lessonContext },
    ...history,
    { role: 'user', content: buildQuestion(input, fence) },
  ];
}

function buildQuestion(input: TutorPromptInput, fence: (label: string, text: string) => string): string {
  const parts: string[] = [];
  if (input.code !== undefined && input.code.trim() !== '') {
    parts.push(`The learner's code in the editor, with line numbers:\n${fence('CODE', numberLines(input.code))}`);
  }
  if (input.lastRun) {
    parts.push(`The learner's last run ended with status "${clipEnd(input.lastRun.status, 40)}".`);
    if (input.lastRun.stdout !== '') parts.push(`Its printed output:\n${fence('OUTPUT', clipEnd(input.lastRun.stdout, MAX_PROMPT_OUTPUT_CHARS))}`);
    // The end of stderr contains the exception line, so that part is kept.
    if (input.lastRun.stderr !== '') parts.push(`Its error output:\n${fence('ERRORS', clipStart(input.lastRun.stderr, MAX_PROMPT_OUTPUT_CHARS))}`);
  }
  parts.push(`The learner's question:\n${fence('QUESTION', input.message)}`);
  return parts.join('\n\n');
}

function fenceBlock(label: string, text: string, markerId: string): string {
  // The id is random per request, but a learner who somehow echoes it gets it removed.
  const safeText = text.replaceAll(markerId, '[marker removed]');
  return `<<<${label} ${markerId}>>>\n${safeText}\n<<<END ${label} ${markerId}>>>`;
}

/** Prefixes each line with its 1-based number, the numbers Python's tracebacks use. */
export function numberLines(code: string): string {
  const lines = code.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  const width = String(lines.length).length;
  return lines.map((line, index) => `${String(index + 1).padStart(width)} | ${line}`).join('\n');
}

function clipEnd(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)}\n[cut: the rest is not shown]`;
}

function clipStart(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `[cut: the start is not shown]\n${text.slice(text.length - maxChars)}`;
}
