/** Lesson content as the app uses it after loading and validating the files under content/. */

/** One program run and its exact expected stdout. */
export interface OutputCheck {
  stdin: string;
  expectedOutput: string;
}

/** A runnable example shown in a lesson; `expectedOutput` is what CPython prints for it. */
export interface LessonExample {
  code: string;
  stdin: string;
  expectedOutput: string;
}

/** An exercise: the learner edits `starterCode` until every check prints what it expects. */
export interface LessonTask {
  id: string;
  title: string;
  /** Prompt rendered from Markdown with raw HTML disabled. */
  promptHtml: string;
  starterCode: string;
  hints: string[];
  /** Reference solution; never sent to the browser. */
  solution: string;
  checks: OutputCheck[];
}

export interface Lesson {
  id: string;
  title: string;
  /** Phase number in course order, starting at 1. */
  phase: number;
  phaseTitle: string;
  /** Track id, such as "core". */
  track: string;
  /** Position inside the whole course; lessons are listed by it. */
  order: number;
  /** Plan id that unlocks the lesson ("free" for every account). */
  requiredPlan: string;
  summary: string;
  /** Explanation rendered from Markdown with raw HTML disabled. */
  bodyHtml: string;
  example: LessonExample;
  tasks: LessonTask[];
  /** File the lesson was loaded from, for error messages. */
  sourcePath: string;
}

/** Read-only view of the loaded course. */
export interface ContentCatalogue {
  /** Every lesson in course order. */
  listLessons(): readonly Lesson[];
  getLesson(id: string): Lesson | null;
}
