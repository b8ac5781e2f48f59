import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadContent } from '../../src/learning/content/index.js';
import type { OutputCheck } from '../../src/learning/types.js';
import { createBackend, listUsableBackends } from '../../src/sandbox/backends/select.js';
import { DEFAULT_RUN_LIMITS, type RunResult, type SandboxBackend } from '../../src/sandbox/types.js';

// Every lesson program runs in each backend that works on this host, so the expected
// outputs in the content files stay true for the interpreters learners actually get.

const CONTENT_DIR = fileURLToPath(new URL('../../content/', import.meta.url));
const lessons = (await loadContent(CONTENT_DIR)).listLessons();
const backendNames = await listUsableBackends();

/** Generous per-test budget: one task runs up to three checks, and a cold Pyodide start is slow. */
const TEST_TIMEOUT_MS = 60_000;

function passes(result: RunResult, check: OutputCheck): boolean {
  return result.status === 'ok' && result.stdout === check.expectedOutput;
}

for (const backendName of backendNames) {
  describe(`lesson programs on ${backendName}`, { timeout: 10 * 60_000 }, () => {
    let backend: SandboxBackend | undefined;

    before(async () => {
      backend = await createBackend(backendName);
      await backend.start();
    });

    after(async () => {
      await backend?.close();
    });

    async function run(code: string, stdin: string): Promise<RunResult> {
      assert.ok(backend !== undefined, `${backendName} backend did not start`);
      return backend.run({ code, stdin, limits: { ...DEFAULT_RUN_LIMITS } });
    }

    for (const lesson of lessons) {
      it(`${lesson.id} example prints its output`, { timeout: TEST_TIMEOUT_MS }, async () => {
        const result = await run(lesson.example.code, lesson.example.stdin);
        assert.equal(result.status, 'ok', `stderr: ${result.stderr}`);
        assert.equal(result.stdout, lesson.example.expectedOutput);
      });

      for (const task of lesson.tasks) {
        it(`${task.id} solution passes its checks`, { timeout: TEST_TIMEOUT_MS }, async () => {
          for (const [index, check] of task.checks.entries()) {
            const result = await run(task.solution, check.stdin);
            assert.equal(result.status, 'ok', `check ${index}, stderr: ${result.stderr}`);
            assert.equal(result.stdout, check.expectedOutput, `check ${index}`);
          }
        });

        it(`${task.id} starter leaves work to do`, { timeout: TEST_TIMEOUT_MS }, async () => {
          // One failing check is enough, and stopping there spares slow backends the remaining runs.
          let leavesWork = false;
          for (const check of task.checks) {
            const result = await run(task.starterCode, check.stdin);
            if (result.status === 'killed') assert.fail(`${backendName} could not run the starter: ${result.stderr}`);
            if (passes(result, check)) continue;
            leavesWork = true;
            break;
          }
          assert.ok(leavesWork, `starter code passes all ${task.checks.length} checks`);
        });
      }
    }
  });
}
