/** Task checks on the lesson page: sends the editor's code to the check route and shows what passed. */
import { postJson, type ApiError } from './api.js';

interface CheckOutcome {
  passed: boolean;
  stdin: string;
  expectedOutput: string;
  actualOutput: string;
  status: string;
  stderr: string;
}

interface TaskCheckResponse {
  passed: boolean;
  checks: CheckOutcome[];
}

/** Wires every "Check my code" button and marks tasks the learner has already passed. */
export function wireTaskChecks(lessonId: string, readCode: () => string): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-check-task]')) {
    const taskId = button.dataset.taskId ?? '';
    const result = document.querySelector<HTMLElement>(`[data-task-result="${CSS.escape(taskId)}"]`);
    if (!taskId || !result) continue;

    button.addEventListener('click', () => void checkTask(lessonId, taskId, readCode(), button, result));
    button.disabled = false;
  }
  void markPassedTasks(lessonId);
}

async function checkTask(lessonId: string, taskId: string, code: string, button: HTMLButtonElement, result: HTMLElement): Promise<void> {
  button.disabled = true;
  button.textContent = 'Checking…';
  result.hidden = false;
  result.replaceChildren(paragraph('Running your code against the task’s checks…'));

  try {
    const response = await postJson<TaskCheckResponse>(`/api/lessons/${encodeURIComponent(lessonId)}/tasks/${encodeURIComponent(taskId)}/check`, { code });
    if (response.ok) showOutcome(result, taskId, response.data);
    else showFailure(result, response.error);
  } finally {
    button.disabled = false;
    button.textContent = 'Check my code';
  }
}

function showOutcome(result: HTMLElement, taskId: string, outcome: TaskCheckResponse): void {
  result.classList.toggle('task-result-passed', outcome.passed);
  result.classList.toggle('task-result-failed', !outcome.passed);
  if (outcome.passed) {
    result.replaceChildren(paragraph('Passed. Every check printed what the task expects.'));
    markTaskPassed(taskId);
    return;
  }

  const failed = outcome.checks.find((check) => !check.passed);
  const nodes: Node[] = [paragraph('Not yet. One of the checks printed something else.')];
  if (failed) {
    if (failed.stdin !== '') nodes.push(labelledBlock('With this input', failed.stdin));
    nodes.push(labelledBlock('Expected output', failed.expectedOutput));
    nodes.push(labelledBlock('Your program printed', failed.actualOutput === '' ? '(nothing)' : failed.actualOutput));
    if (failed.status !== 'ok') nodes.push(labelledBlock(`It ended with status “${failed.status}”`, failed.stderr));
  }
  result.replaceChildren(...nodes);
}

function showFailure(result: HTMLElement, error: ApiError): void {
  result.classList.remove('task-result-passed');
  result.classList.add('task-result-failed');
  // The API's messages already say when to try again.
  result.replaceChildren(paragraph(error.message));
}

async function markPassedTasks(lessonId: string): Promise<void> {
  const response = await fetch(`/api/lessons/${encodeURIComponent(lessonId)}/progress`, { headers: { accept: 'application/json' } }).catch(() => null);
  if (!response?.ok) return;
  const body = (await response.json().catch(() => null)) as { passedTasks?: unknown } | null;
  if (!Array.isArray(body?.passedTasks)) return;
  for (const taskId of body.passedTasks) if (typeof taskId === 'string') markTaskPassed(taskId);
}

function markTaskPassed(taskId: string): void {
  const badge = document.querySelector<HTMLElement>(`[data-task-passed="${CSS.escape(taskId)}"]`);
  if (badge) badge.hidden = false;
}

function paragraph(text: string): HTMLParagraphElement {
  const element = document.createElement('p');
  element.textContent = text;
  return element;
}

function labelledBlock(label: string, text: string): HTMLDivElement {
  const wrapper = document.createElement('div');
  const heading = document.createElement('p');
  heading.className = 'task-result-label';
  heading.textContent = label;
  const pre = document.createElement('pre');
  pre.className = 'task-result-text';
  pre.textContent = text;
  wrapper.append(heading, pre);
  return wrapper;
}
