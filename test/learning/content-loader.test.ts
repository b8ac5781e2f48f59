import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ContentError,
  isAllowedLink,
  loadContent,
  loadPlans,
  MAX_CODE_LENGTH,
  renderMarkdown,
} from '../../src/learning/content/index.js';
import type { ContentCatalogue } from '../../src/learning/types.js';

const CONTENT_DIR = fileURLToPath(new URL('../../content/', import.meta.url));

/** The topics of the first phase, in the order a beginner meets them. */
const FIRST_PHASE_TOPICS = ['printing', 'variables', 'numbers', 'strings', 'input', 'conditions', 'loops', 'lists'];

describe('course content folder', () => {
  let catalogue: ContentCatalogue;

  before(async () => {
    catalogue = await loadContent(CONTENT_DIR);
  });

  it('starts with the first-phase topics', () => {
    const firstIds = catalogue.listLessons().slice(0, FIRST_PHASE_TOPICS.length).map((lesson) => lesson.id);
    assert.deepEqual(firstIds, FIRST_PHASE_TOPICS);
  });

  it('has at least 8 free core lessons in phase 1', () => {
    const firstPhase = catalogue.listLessons().filter((lesson) => lesson.phase === 1);
    assert.ok(firstPhase.length >= 8, `phase 1 has ${firstPhase.length} lessons`);
    for (const lesson of firstPhase) {
      assert.equal(lesson.requiredPlan, 'free', lesson.id);
      assert.equal(lesson.track, 'core', lesson.id);
      assert.ok(lesson.phaseTitle.length > 0, lesson.id);
    }
  });

  it('lists lessons in rising order', () => {
    const orders = catalogue.listLessons().map((lesson) => lesson.order);
    for (let index = 1; index < orders.length; index += 1) {
      assert.ok(orders[index]! > orders[index - 1]!, `order ${orders[index]} follows ${orders[index - 1]}`);
    }
  });

  it('gives each lesson two complete tasks', () => {
    for (const lesson of catalogue.listLessons()) {
      assert.equal(lesson.tasks.length, 2, lesson.id);
      for (const task of lesson.tasks) {
        assert.ok(task.promptHtml.length > 0, task.id);
        assert.ok(task.solution.trim().length > 0, task.id);
        assert.ok(task.hints.length >= 1, task.id);
        assert.ok(task.hints.length <= 3, task.id);
        assert.ok(task.checks.length >= 1, task.id);
        assert.ok(task.checks.length <= 3, task.id);
      }
    }
  });

  it('gives input tasks stdin in every check', () => {
    for (const task of catalogue.listLessons().flatMap((lesson) => lesson.tasks)) {
      if (!task.solution.includes('input(')) continue;
      for (const check of task.checks) assert.ok(check.stdin.length > 0, task.id);
    }
  });

  it('keeps explanations between 250 and 600 words', async () => {
    for (const lesson of catalogue.listLessons()) {
      const markdownPath = path.join(CONTENT_DIR, path.dirname(lesson.sourcePath).replace(/^content\//, ''), 'lesson.md');
      const words = (await readFile(markdownPath, 'utf8')).split(/\s+/).filter((word) => word !== '').length;
      assert.ok(words >= 250, `${lesson.id} has ${words} words`);
      assert.ok(words <= 600, `${lesson.id} has ${words} words`);
    }
  });

  it('finds lessons by id', () => {
    const [first] = catalogue.listLessons();
    assert.ok(first !== undefined);
    assert.equal(catalogue.getLesson(first.id), first);
  });

  it('returns null for an unknown id', () => {
    assert.equal(catalogue.getLesson('no-such-lesson'), null);
  });

  it('freezes the lessons it returns', () => {
    const [first] = catalogue.listLessons();
    assert.ok(first !== undefined);
    assert.ok(Object.isFrozen(catalogue.listLessons()));
    assert.ok(Object.isFrozen(first));
    assert.ok(Object.isFrozen(first.tasks[0]!.checks));
  });
});

describe('course plans file', () => {
  it('lists the four plans in USD', async () => {
    const plans = await loadPlans(CONTENT_DIR);
    assert.deepEqual(
      plans.listPlans().map((plan) => plan.id),
      ['free', 'standard', 'additional', 'full'],
    );
    for (const plan of plans.listPlans()) assert.equal(plan.currency, 'USD', plan.id);
  });

  it('gives paid plans a higher tutor limit', async () => {
    const plans = await loadPlans(CONTENT_DIR);
    const free = plans.getPlan('free');
    assert.ok(free !== null);
    assert.equal(free.tutorDailyLimit, 20);
    for (const plan of plans.listPlans().filter((candidate) => candidate.id !== 'free')) {
      assert.ok(plan.tutorDailyLimit > free.tutorDailyLimit, plan.id);
    }
  });

  it('expands includes through chains', async () => {
    const plans = await loadPlans(CONTENT_DIR);
    assert.equal(plans.planIncludes('full', 'standard'), true);
    assert.equal(plans.planIncludes('full', 'additional'), true);
    assert.equal(plans.planIncludes('full', 'free'), true);
    assert.equal(plans.planIncludes('standard', 'free'), true);
    assert.equal(plans.planIncludes('standard', 'standard'), true);
  });

  it('keeps standard and additional apart', async () => {
    const plans = await loadPlans(CONTENT_DIR);
    assert.equal(plans.planIncludes('standard', 'additional'), false);
    assert.equal(plans.planIncludes('additional', 'standard'), false);
    assert.equal(plans.planIncludes('free', 'standard'), false);
    assert.equal(plans.planIncludes('standard', 'full'), false);
  });

  it('grants nothing to an unknown plan', async () => {
    const plans = await loadPlans(CONTENT_DIR);
    assert.equal(plans.planIncludes('platinum', 'free'), false);
    assert.equal(plans.getPlan('platinum'), null);
  });
});

describe('markdown rendering', () => {
  it('escapes raw script tags', () => {
    const { html } = renderMarkdown('Before <script>alert(1)</script> after');
    assert.ok(!html.includes('<script'), html);
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), html);
  });

  it('escapes raw HTML blocks', () => {
    const { html } = renderMarkdown('<div onclick="steal()">click</div>\n');
    assert.ok(!html.includes('<div'), html);
    assert.ok(html.includes('&lt;div'), html);
  });

  it('rejects javascript links', () => {
    for (const source of ['[go](javascript:alert(1))', '[go](JaVaScRiPt:alert(1))', '[go](&#106;avascript:alert(1))', '<javascript:alert(1)>']) {
      const rendered = renderMarkdown(source);
      assert.ok(!rendered.html.includes('href'), rendered.html);
      assert.equal(rendered.rejectedLinks.length, 1, source);
    }
  });

  it('rejects schemes other than http(s)', () => {
    for (const url of ['mailto:someone@example.com', 'ftp://example.com/file', 'data:text/html,hi', 'file:///etc/passwd']) {
      assert.equal(isAllowedLink(url), false, url);
    }
  });

  it('keeps http(s) and relative links', () => {
    const rendered = renderMarkdown('[a](https://docs.python.org/3/) [b](/lessons/loops) [c](#tasks) [d](next)');
    assert.deepEqual(rendered.rejectedLinks, []);
    assert.ok(rendered.html.includes('href="https://docs.python.org/3/"'), rendered.html);
    assert.ok(rendered.html.includes('href="/lessons/loops"'), rendered.html);
    assert.ok(rendered.html.includes('href="#tasks"'), rendered.html);
    assert.ok(rendered.html.includes('href="next"'), rendered.html);
  });

  it('leaves bare URLs as text', () => {
    const { html } = renderMarkdown('See https://example.com for more.');
    assert.ok(!html.includes('<a'), html);
  });
});

type FileMap = Map<string, string>;

/** Builds a small but complete content folder: two lessons of one phase, each with one task. */
function validFixture(): FileMap {
  const files: FileMap = new Map();
  files.set(
    'plans.json',
    JSON.stringify({
      plans: [
        { id: 'free', name: 'Free', price: '0.00', currency: 'USD', durationDays: null, tutorDailyLimit: 20, includes: [] },
        { id: 'paid', name: 'Paid', price: '9.00', currency: 'USD', durationDays: 30, tutorDailyLimit: 100, includes: ['free'] },
      ],
    }),
  );
  files.set('phases.json', JSON.stringify({ phases: [{ number: 1, title: 'Start' }, { number: 2, title: 'Later' }] }));
  addLesson(files, '01-first', { id: 'first', order: 1, taskId: 'first-task' });
  addLesson(files, '02-second', { id: 'second', order: 2, taskId: 'second-task' });
  return files;
}

function addLesson(files: FileMap, folder: string, names: { id: string; order: number; taskId: string }): void {
  const lesson = {
    id: names.id,
    title: `Lesson ${names.id}`,
    phase: 1,
    track: 'core',
    order: names.order,
    requiredPlan: 'free',
    summary: 'A lesson for the loader tests.',
    example: { stdin: '', expectedOutput: 'hi\n' },
    tasks: [
      {
        id: names.taskId,
        title: 'Say hi',
        hints: ['Use print.'],
        checks: [{ stdin: '', expectedOutput: 'hi\n' }],
      },
    ],
  };
  files.set(`lessons/${folder}/lesson.json`, JSON.stringify(lesson, null, 2));
  files.set(`lessons/${folder}/lesson.md`, 'Some **text**.\n');
  files.set(`lessons/${folder}/example.py`, 'print("hi")\n');
  files.set(`lessons/${folder}/tasks/${names.taskId}/prompt.md`, 'Print `hi`.\n');
  files.set(`lessons/${folder}/tasks/${names.taskId}/starter.py`, '');
  files.set(`lessons/${folder}/tasks/${names.taskId}/solution.py`, 'print("hi")\n');
}

/** Parses a JSON file of the fixture, lets `change` edit it, and stores it back. */
function editJson(files: FileMap, name: string, change: (value: any) => void): void {
  const value: unknown = JSON.parse(files.get(name)!);
  change(value);
  files.set(name, JSON.stringify(value, null, 2));
}

async function writeFixture(root: string, files: FileMap): Promise<string> {
  const contentDir = path.join(root, 'content');
  for (const [name, text] of files) {
    const target = path.join(contentDir, name);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text);
  }
  return contentDir;
}

interface BrokenCase {
  name: string;
  change: (files: FileMap) => void;
  file: string;
  field: string | null;
  message: RegExp;
}

const FIRST_JSON = 'lessons/01-first/lesson.json';
const SECOND_JSON = 'lessons/02-second/lesson.json';

const BROKEN_CASES: BrokenCase[] = [
  {
    name: 'expected output of the wrong type',
    change: (files) => editJson(files, FIRST_JSON, (lesson) => (lesson.tasks[0].checks[0].expectedOutput = 42)),
    file: `content/${FIRST_JSON}`,
    field: 'tasks[0].checks[0].expectedOutput',
    message: /^content\/lessons\/01-first\/lesson\.json: tasks\[0\]\.checks\[0\]\.expectedOutput must be a string$/,
  },
  {
    name: 'missing title',
    change: (files) => editJson(files, FIRST_JSON, (lesson) => delete lesson.title),
    file: `content/${FIRST_JSON}`,
    field: 'title',
    message: /title is missing/,
  },
  {
    name: 'lesson id that is not a slug',
    change: (files) => editJson(files, FIRST_JSON, (lesson) => (lesson.id = 'First Lesson')),
    file: `content/${FIRST_JSON}`,
    field: 'id',
    message: /lowercase slug/,
  },
  {
    name: 'task id that is not a slug',
    change: (files) => editJson(files, FIRST_JSON, (lesson) => (lesson.tasks[0].id = 'task_one')),
    file: `content/${FIRST_JSON}`,
    field: 'tasks[0].id',
    message: /lowercase slug/,
  },
  {
    name: 'repeated lesson id',
    change: (files) => editJson(files, SECOND_JSON, (lesson) => (lesson.id = 'first')),
    file: `content/${SECOND_JSON}`,
    field: 'id',
    message: /"first" is already used in content\/lessons\/01-first\/lesson\.json/,
  },
  {
    name: 'task id repeated across lessons',
    change: (files) => {
      editJson(files, SECOND_JSON, (lesson) => (lesson.tasks[0].id = 'first-task'));
      files.set('lessons/02-second/tasks/first-task/prompt.md', 'Print `hi`.\n');
      files.set('lessons/02-second/tasks/first-task/starter.py', '');
      files.set('lessons/02-second/tasks/first-task/solution.py', 'print("hi")\n');
      for (const name of [...files.keys()]) {
        if (name.startsWith('lessons/02-second/tasks/second-task/')) files.delete(name);
      }
    },
    file: `content/${SECOND_JSON}`,
    field: 'tasks[].id',
    message: /"first-task" is already used/,
  },
  {
    name: 'task id repeated in one lesson',
    change: (files) => editJson(files, FIRST_JSON, (lesson) => lesson.tasks.push({ ...lesson.tasks[0] })),
    file: `content/${FIRST_JSON}`,
    field: 'tasks[1].id',
    message: /repeats the task id "first-task"/,
  },
  {
    name: 'repeated order',
    change: (files) => editJson(files, SECOND_JSON, (lesson) => (lesson.order = 1)),
    file: `content/${SECOND_JSON}`,
    field: 'order',
    message: /"1" is already used/,
  },
  {
    name: 'order that is not a positive integer',
    change: (files) => editJson(files, FIRST_JSON, (lesson) => (lesson.order = 1.5)),
    file: `content/${FIRST_JSON}`,
    field: 'order',
    message: /must be an integer/,
  },
  {
    name: 'phase out of course order',
    change: (files) => editJson(files, FIRST_JSON, (lesson) => (lesson.phase = 2)),
    file: `content/${SECOND_JSON}`,
    field: 'order',
    message: /after a phase 2 lesson/,
  },
  {
    name: 'unknown phase',
    change: (files) => editJson(files, FIRST_JSON, (lesson) => (lesson.phase = 7)),
    file: `content/${FIRST_JSON}`,
    field: 'phase',
    message: /phases\.json does not list/,
  },
  {
    name: 'unknown required plan',
    change: (files) => editJson(files, FIRST_JSON, (lesson) => (lesson.requiredPlan = 'gold')),
    file: `content/${FIRST_JSON}`,
    field: 'requiredPlan',
    message: /unknown plan "gold"/,
  },
  {
    name: 'misspelt field',
    change: (files) =>
      editJson(files, FIRST_JSON, (lesson) => {
        lesson.tasks[0].hint = lesson.tasks[0].hints;
      }),
    file: `content/${FIRST_JSON}`,
    field: 'tasks[0].hint',
    message: /is not a known field/,
  },
  {
    name: 'too many hints',
    change: (files) => editJson(files, FIRST_JSON, (lesson) => (lesson.tasks[0].hints = ['a', 'b', 'c', 'd'])),
    file: `content/${FIRST_JSON}`,
    field: 'tasks[0].hints',
    message: /between 1 and 3 entries \(found 4\)/,
  },
  {
    name: 'no checks',
    change: (files) => editJson(files, FIRST_JSON, (lesson) => (lesson.tasks[0].checks = [])),
    file: `content/${FIRST_JSON}`,
    field: 'tasks[0].checks',
    message: /between 1 and 3 entries \(found 0\)/,
  },
  {
    name: 'no tasks',
    change: (files) => editJson(files, FIRST_JSON, (lesson) => (lesson.tasks = [])),
    file: `content/${FIRST_JSON}`,
    field: 'tasks',
    message: /must not be empty/,
  },
  {
    name: 'stdin of the wrong type',
    change: (files) => editJson(files, FIRST_JSON, (lesson) => (lesson.example.stdin = ['a'])),
    file: `content/${FIRST_JSON}`,
    field: 'example.stdin',
    message: /must be a string/,
  },
  {
    name: 'invalid JSON',
    change: (files) => files.set(FIRST_JSON, '{ "id": "first", '),
    file: `content/${FIRST_JSON}`,
    field: null,
    message: /is not valid JSON/,
  },
  {
    name: 'solution at the length limit',
    change: (files) => files.set('lessons/01-first/tasks/first-task/solution.py', 'x'.repeat(MAX_CODE_LENGTH)),
    file: 'content/lessons/01-first/tasks/first-task/solution.py',
    field: null,
    message: /must be shorter than 10000 characters/,
  },
  {
    name: 'empty example',
    change: (files) => files.set('lessons/01-first/example.py', '\n\n'),
    file: 'content/lessons/01-first/example.py',
    field: null,
    message: /must not be empty/,
  },
  {
    name: 'missing prompt',
    change: (files) => files.delete('lessons/01-first/tasks/first-task/prompt.md'),
    file: 'content/lessons/01-first/tasks/first-task/prompt.md',
    field: null,
    message: /file is missing/,
  },
  {
    name: 'task folder without an entry',
    change: (files) => files.set('lessons/01-first/tasks/forgotten/solution.py', 'print(1)\n'),
    file: 'content/lessons/01-first/tasks/forgotten',
    field: null,
    message: /has no entry in lesson\.json tasks/,
  },
  {
    name: 'javascript link in a lesson',
    change: (files) => files.set('lessons/01-first/lesson.md', 'Click [here](javascript:alert(1)).\n'),
    file: 'content/lessons/01-first/lesson.md',
    field: null,
    message: /link "javascript:alert\(1\)" is not allowed/,
  },
  {
    name: 'mailto link in a prompt',
    change: (files) => files.set('lessons/01-first/tasks/first-task/prompt.md', 'Write to [us](mailto:a@example.com).\n'),
    file: 'content/lessons/01-first/tasks/first-task/prompt.md',
    field: null,
    message: /is not allowed: use an http\(s\) or relative address/,
  },
  {
    name: 'plan price as a number',
    change: (files) => editJson(files, 'plans.json', (root) => (root.plans[1].price = 9)),
    file: 'content/plans.json',
    field: 'plans[1].price',
    message: /must be a string/,
  },
  {
    name: 'plan price without cents',
    change: (files) => editJson(files, 'plans.json', (root) => (root.plans[1].price = '9')),
    file: 'content/plans.json',
    field: 'plans[1].price',
    message: /decimal string such as "9\.00"/,
  },
  {
    name: 'plan including an unknown plan',
    change: (files) => editJson(files, 'plans.json', (root) => root.plans[1].includes.push('gold')),
    file: 'content/plans.json',
    field: 'plans[1].includes',
    message: /unknown plan "gold"/,
  },
  {
    name: 'plans including each other',
    change: (files) => editJson(files, 'plans.json', (root) => root.plans[0].includes.push('paid')),
    file: 'content/plans.json',
    field: 'plans[0].includes',
    message: /must not form a cycle/,
  },
  {
    name: 'repeated plan id',
    change: (files) => editJson(files, 'plans.json', (root) => (root.plans[1].id = 'free')),
    file: 'content/plans.json',
    field: 'plans[1].id',
    message: /repeats the plan id "free"/,
  },
  {
    name: 'no free plan',
    change: (files) =>
      editJson(files, 'plans.json', (root) => {
        root.plans = root.plans.slice(1);
        root.plans[0].includes = [];
      }),
    file: 'content/plans.json',
    field: 'plans',
    message: /must contain a plan with id "free"/,
  },
  {
    name: 'missing plans file',
    change: (files) => files.delete('plans.json'),
    file: 'content/plans.json',
    field: null,
    message: /file is missing/,
  },
];

describe('broken content', () => {
  let root: string;

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'content-loader-'));
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('loads the valid fixture', async () => {
    const contentDir = await writeFixture(path.join(root, 'valid'), validFixture());
    const catalogue = await loadContent(contentDir);
    assert.deepEqual(
      catalogue.listLessons().map((lesson) => lesson.id),
      ['first', 'second'],
    );
  });

  BROKEN_CASES.forEach((brokenCase, index) => {
    it(`reports ${brokenCase.name}`, async () => {
      const files = validFixture();
      brokenCase.change(files);
      const contentDir = await writeFixture(path.join(root, `case-${index}`), files);

      const error = await loadContent(contentDir).then(
        () => assert.fail('loadContent accepted broken content'),
        (caught: unknown) => caught,
      );
      assert.ok(error instanceof ContentError, String(error));
      assert.equal(error.file, brokenCase.file);
      assert.equal(error.field, brokenCase.field);
      assert.match(error.message, brokenCase.message);
      assert.ok(error.message.startsWith(`${brokenCase.file}: `), error.message);
    });
  });

  it('escapes raw HTML in lessons and prompts', async () => {
    const files = validFixture();
    files.set('lessons/01-first/lesson.md', 'Look: <script>alert("lesson")</script>\n\n<img src=x onerror=alert(1)>\n');
    files.set('lessons/01-first/tasks/first-task/prompt.md', '<script>alert("prompt")</script>\n');
    const contentDir = await writeFixture(path.join(root, 'raw-html'), files);

    const lesson = (await loadContent(contentDir)).getLesson('first');
    assert.ok(lesson !== null);
    assert.ok(!lesson.bodyHtml.includes('<script'), lesson.bodyHtml);
    assert.ok(!lesson.bodyHtml.includes('<img'), lesson.bodyHtml);
    assert.ok(lesson.bodyHtml.includes('&lt;script&gt;'), lesson.bodyHtml);
    assert.ok(!lesson.tasks[0]!.promptHtml.includes('<script'), lesson.tasks[0]!.promptHtml);
    assert.ok(lesson.tasks[0]!.promptHtml.includes('&lt;script&gt;'), lesson.tasks[0]!.promptHtml);
  });

  it('turns CRLF line endings into LF', async () => {
    const files = validFixture();
    files.set('lessons/01-first/example.py', 'print("a")\r\nprint("b")\r\n');
    const contentDir = await writeFixture(path.join(root, 'crlf'), files);

    const lesson = (await loadContent(contentDir)).getLesson('first');
    assert.equal(lesson?.example.code, 'print("a")\nprint("b")\n');
  });

  it('defaults a left-out stdin to empty', async () => {
    const files = validFixture();
    editJson(files, FIRST_JSON, (lesson) => delete lesson.tasks[0].checks[0].stdin);
    const contentDir = await writeFixture(path.join(root, 'no-stdin'), files);

    const lesson = (await loadContent(contentDir)).getLesson('first');
    assert.equal(lesson?.tasks[0]?.checks[0]?.stdin, '');
  });
});
