import type { RunResult } from '../sandbox/types.js';
import type { LessonTask } from './types.js';

export interface CheckOutcome {
  passed: boolean;
  stdin: string;
  expectedOutput: string;
  actualOutput: string;
  status: RunResult['status'];
  stderr: string;
}

/**
 * Runs a learner's code once per check of a task and compares stdout exactly,
 * except that trailing spaces at line ends and a missing final newline are forgiven,
 * since learners cannot see them in the output panel.
 */
export async function checkTask(task: LessonTask, code: string, run: (code: string, stdin: string) => Promise<RunResult>): Promise<{ passed: boolean; checks: CheckOutcome[] }> {
  const checks: CheckOutcome[] = [];
  for (const check of task.checks) {
    const result = await run(code, check.stdin);
    const passed = result.status === 'ok' && normaliseOutput(result.stdout) === normaliseOutput(check.expectedOutput);
    checks.push({ passed, stdin: check.stdin, expectedOutput: check.expectedOutput, actualOutput: result.stdout, status: result.status, stderr: result.stderr });
    // Later checks would fail the same way; stop early to spare the sandbox.
    if (result.status !== 'ok' && result.status !== 'error') break;
  }
  return { passed: checks.length === task.checks.length && checks.every((check) => check.passed), checks };
}

function normaliseOutput(text: string): string {
  return text.split('\n').map((line) => line.trimEnd()).join('\n').replace(/\n+$/, '');
}
