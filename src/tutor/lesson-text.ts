import type { Lesson } from '../learning/types.js';

/** Maximum lesson text sent upstream, in characters. Longer text is cut, which bounds the cost of every question. */
export const MAX_LESSON_TEXT_CHARS = 8_000;

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * Turns the HTML that the content loader renders from Markdown into plain text:
 * block ends become line breaks, list items get a dash, tags are dropped and
 * entities decoded. It is meant for the prompt, not for display.
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<li[^>]*>/gi, '- ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|li|h[1-6]|pre|ul|ol|blockquote|tr)>/gi, '\n')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text).replace(/\n{3,}/g, '\n\n').trim();
}

/**
 * Formats the lesson as the tutor reads it: title, summary, explanation, example and
 * tasks with their hints. Reference solutions are left out on purpose, so no
 * question, however it is phrased, can make the model repeat them.
 */
export function lessonToPromptText(lesson: Lesson): string {
  const sections = [
    `Lesson: ${lesson.title}`,
    lesson.summary,
    htmlToText(lesson.bodyHtml),
    `Example program:\n${lesson.example.code.trimEnd()}`,
    ...lesson.tasks.map((task, index) => formatTask(index + 1, task)),
  ];
  const text = sections.filter((section) => section.trim() !== '').join('\n\n');
  return text.length <= MAX_LESSON_TEXT_CHARS ? text : `${text.slice(0, MAX_LESSON_TEXT_CHARS)}\n[lesson text cut here]`;
}

function formatTask(number: number, task: Lesson['tasks'][number]): string {
  const hints = task.hints.map((hint) => `- ${hint}`).join('\n');
  return `Task ${number}: ${task.title}\n${htmlToText(task.promptHtml)}\nHints shown to the learner:\n${hints}`;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body: string) => {
    if (body.startsWith('#x') || body.startsWith('#X')) return fromCodePoint(parseInt(body.slice(2), 16), entity);
    if (body.startsWith('#')) return fromCodePoint(parseInt(body.slice(1), 10), entity);
    return NAMED_ENTITIES[body.toLowerCase()] ?? entity;
  });
}

function fromCodePoint(codePoint: number, fallback: string): string {
  return Number.isInteger(codePoint) && codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : fallback;
}
