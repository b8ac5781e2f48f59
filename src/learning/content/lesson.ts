import { readdir } from 'node:fs/promises';
import type { Lesson, LessonExample, LessonTask, OutputCheck } from '../types.js';
import { ContentError } from './errors.js';
import { contentFile, readCode, readJson, readText, type ContentFile } from './files.js';
import type { JsonNode } from './json-node.js';
import { renderMarkdown } from './markdown.js';
import type { Phase } from './phases.js';
import type { PlanCatalogue } from './plans.js';

/** Content folder, phases and plans that a lesson is loaded from and validated against. */
export interface LessonContext {
  contentDir: string;
  phases: ReadonlyMap<number, Phase>;
  plans: PlanCatalogue;
}

const LESSON_FIELDS = ['id', 'title', 'phase', 'track', 'order', 'requiredPlan', 'summary', 'example', 'tasks'];
const TASK_FIELDS = ['id', 'title', 'hints', 'checks'];
const RUN_FIELDS = ['stdin', 'expectedOutput'];
const MAX_HINTS = 3;
const MAX_CHECKS = 3;

/**
 * Loads one lesson folder under `lessons/`: `lesson.json`, `lesson.md`, `example.py`, and for
 * each task `tasks/<id>/prompt.md`, `starter.py` and `solution.py`. Throws ContentError on any mistake.
 */
export async function loadLesson(context: LessonContext, folderName: string): Promise<Lesson> {
  const file = (...segments: string[]): ContentFile => contentFile(context.contentDir, 'lessons', folderName, ...segments);
  const metadataFile = file('lesson.json');
  const root = await readJson(metadataFile);
  root.rejectUnknownFields(LESSON_FIELDS);

  const id = root.field('id').asSlug();
  const title = root.field('title').asText();
  const phase = readPhase(root.field('phase'), context.phases);
  const track = root.field('track').asSlug();
  const order = root.field('order').asInteger(1);
  const requiredPlan = readRequiredPlan(root.field('requiredPlan'), context.plans);
  const summary = root.field('summary').asText();
  const example = await loadExample(root.field('example'), file('example.py'));

  const tasks: LessonTask[] = [];
  for (const taskNode of root.field('tasks').nonEmptyItems()) {
    const task = await loadTask(taskNode, file);
    if (tasks.some((earlier) => earlier.id === task.id)) taskNode.field('id').fail(`repeats the task id "${task.id}"`);
    tasks.push(task);
  }
  await rejectUnlistedTaskFolders(file('tasks'), tasks);

  return {
    id,
    title,
    phase: phase.number,
    phaseTitle: phase.title,
    track,
    order,
    requiredPlan,
    summary,
    bodyHtml: await loadMarkdown(file('lesson.md')),
    example,
    tasks,
    sourcePath: metadataFile.displayPath,
  };
}

function readPhase(node: JsonNode, phases: ReadonlyMap<number, Phase>): Phase {
  const phase = phases.get(node.asInteger(1));
  if (phase === undefined) node.fail(`names phase ${String(node.value)}, which phases.json does not list`);
  return phase;
}

function readRequiredPlan(node: JsonNode, plans: PlanCatalogue): string {
  const planId = node.asSlug();
  if (plans.getPlan(planId) === null) node.fail(`names the unknown plan "${planId}"`);
  return planId;
}

async function loadExample(node: JsonNode, codeFile: ContentFile): Promise<LessonExample> {
  const run = readRun(node);
  return { code: await readCode(codeFile, false), ...run };
}

async function loadTask(node: JsonNode, file: (...segments: string[]) => ContentFile): Promise<LessonTask> {
  node.rejectUnknownFields(TASK_FIELDS);
  const id = node.field('id').asSlug();

  return {
    id,
    title: node.field('title').asText(),
    promptHtml: await loadMarkdown(file('tasks', id, 'prompt.md')),
    starterCode: await readCode(file('tasks', id, 'starter.py'), true),
    hints: node.field('hints').itemsBetween(1, MAX_HINTS).map((hint) => hint.asText()),
    solution: await readCode(file('tasks', id, 'solution.py'), false),
    checks: node.field('checks').itemsBetween(1, MAX_CHECKS).map(readRun),
  };
}

/** Reads `{stdin, expectedOutput}`. A left-out stdin becomes empty, for programs that read no input. */
function readRun(node: JsonNode): OutputCheck {
  node.rejectUnknownFields(RUN_FIELDS);
  const stdinNode = node.optionalField('stdin');
  return {
    stdin: stdinNode === null ? '' : stdinNode.asString(),
    expectedOutput: node.field('expectedOutput').asString(),
  };
}

async function loadMarkdown(file: ContentFile): Promise<string> {
  const source = await readText(file);
  if (source.trim() === '') throw new ContentError(file.displayPath, null, 'text must not be empty');

  const rendered = renderMarkdown(source);
  const [rejected] = rendered.rejectedLinks;
  if (rejected !== undefined) {
    throw new ContentError(file.displayPath, null, `link ${JSON.stringify(rejected)} is not allowed: use an http(s) or relative address`);
  }
  return rendered.html;
}

/** Rejects a task folder that lesson.json does not list, because loading would otherwise skip it without a word. */
async function rejectUnlistedTaskFolders(tasksFolder: ContentFile, tasks: LessonTask[]): Promise<void> {
  const entries = await readdir(tasksFolder.absolutePath, { withFileTypes: true });
  const listed = new Set(tasks.map((task) => task.id));
  for (const entry of entries) {
    if (!entry.isDirectory() || listed.has(entry.name)) continue;
    throw new ContentError(`${tasksFolder.displayPath}/${entry.name}`, null, 'folder has no entry in lesson.json tasks');
  }
}
