import type { ContentCatalogue, Lesson } from '../types.js';
import { ContentError } from './errors.js';

/**
 * Checks the rules that span lessons (unique lesson ids, task ids and order numbers,
 * phases in course order) and returns the lessons as a frozen catalogue in course order.
 */
export function createCatalogue(lessons: readonly Lesson[]): ContentCatalogue {
  rejectRepeatedValues(lessons, 'id', (lesson) => [lesson.id]);
  rejectRepeatedValues(lessons, 'tasks[].id', (lesson) => lesson.tasks.map((task) => task.id));
  rejectRepeatedValues(lessons, 'order', (lesson) => [String(lesson.order)]);

  const ordered = [...lessons].sort((first, second) => first.order - second.order);
  rejectPhaseOutOfOrder(ordered);

  const frozen = Object.freeze(ordered.map(freezeLesson));
  const byId = new Map(frozen.map((lesson) => [lesson.id, lesson]));
  return {
    listLessons: () => frozen,
    getLesson: (id) => byId.get(id) ?? null,
  };
}

/** Fails when two lessons share a value. The error names the later file and the one that used the value first. */
function rejectRepeatedValues(lessons: readonly Lesson[], field: string, valuesOf: (lesson: Lesson) => string[]): void {
  const firstSeenIn = new Map<string, string>();
  for (const lesson of lessons) {
    for (const value of valuesOf(lesson)) {
      const earlier = firstSeenIn.get(value);
      if (earlier !== undefined) {
        throw new ContentError(lesson.sourcePath, field, `"${value}" is already used in ${earlier}`);
      }
      firstSeenIn.set(value, lesson.sourcePath);
    }
  }
}

/** Lessons of one phase must sit together in course order, and phases must rise with it. */
function rejectPhaseOutOfOrder(ordered: readonly Lesson[]): void {
  for (let index = 1; index < ordered.length; index += 1) {
    const previous = ordered[index - 1]!;
    const lesson = ordered[index]!;
    if (lesson.phase >= previous.phase) continue;
    throw new ContentError(
      lesson.sourcePath,
      'order',
      `${lesson.order} puts this phase ${lesson.phase} lesson after a phase ${previous.phase} lesson (${previous.sourcePath})`,
    );
  }
}

function freezeLesson(lesson: Lesson): Lesson {
  const tasks = lesson.tasks.map((task) =>
    Object.freeze({ ...task, hints: Object.freeze([...task.hints]), checks: Object.freeze(task.checks.map((check) => Object.freeze({ ...check }))) }),
  );
  return Object.freeze({ ...lesson, example: Object.freeze({ ...lesson.example }), tasks: Object.freeze(tasks) }) as Lesson;
}
