/** Renders run results and run errors into the lesson page's output panel. */
import type { ErrorExplanation, RunResult } from '../sandbox/types.js';
import { describeWait, type ApiError } from './api.js';

/** The result of `POST /api/run`; `status` stays a string so a status added later still renders. */
export type RunResponse = Omit<RunResult, 'status'> & { status: string };

/** Elements of the output panel, looked up once. */
export interface OutputPanel {
  root: HTMLElement;
  status: HTMLElement;
  error: HTMLElement;
  stdoutBlock: HTMLElement;
  stdout: HTMLElement;
  stderrBlock: HTMLElement;
  stderr: HTMLElement;
  explanation: HTMLElement;
  explanationTitle: HTMLElement;
  explanationSummary: HTMLElement;
  explanationHint: HTMLElement;
}

const IDLE_MESSAGE = 'Press Run to see what your program prints.';

const STATUS_LABELS: Record<string, string> = {
  ok: 'ok',
  error: 'error',
  timeout: 'timeout',
  memory_limit: 'memory limit',
  output_limit: 'output limit',
  killed: 'killed',
};

/** A sentence for the statuses where stderr alone does not tell a beginner what happened. */
const STATUS_NOTES: Record<string, string> = {
  timeout: 'Your program ran longer than the time limit. Look for a loop that never ends or an input() waiting for more input.',
  memory_limit: 'Your program used more memory than the limit allows. Look for a list or string that keeps growing.',
  output_limit: 'Your program printed more than the output limit, so it was stopped.',
  killed: 'Your program was stopped before it finished.',
};

/** Checks the fields that the panel reads, so a malformed response cannot break the page. */
export function isRunResponse(value: unknown): value is RunResponse {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<RunResponse>;
  return (
    typeof candidate.status === 'string' &&
    typeof candidate.stdout === 'string' &&
    typeof candidate.stderr === 'string' &&
    typeof candidate.durationMs === 'number' &&
    typeof candidate.truncated === 'boolean'
  );
}

function isExplanation(value: unknown): value is ErrorExplanation {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<ErrorExplanation>;
  return (
    (candidate.line === null || typeof candidate.line === 'number') &&
    typeof candidate.errorType === 'string' &&
    typeof candidate.summary === 'string' &&
    typeof candidate.hint === 'string'
  );
}

/** Finds the panel's elements under `root`; returns null when the page lacks any of them. */
export function findOutputPanel(root: HTMLElement): OutputPanel | null {
  const pick = (name: string): HTMLElement | null => root.querySelector<HTMLElement>(`[data-${name}]`);
  const panel = {
    root,
    status: pick('run-status'),
    error: pick('run-error'),
    stdoutBlock: pick('stdout-block'),
    stdout: pick('stdout'),
    stderrBlock: pick('stderr-block'),
    stderr: pick('stderr'),
    explanation: pick('explanation'),
    explanationTitle: pick('explanation-title'),
    explanationSummary: pick('explanation-summary'),
    explanationHint: pick('explanation-hint'),
  };
  const complete = Object.values(panel).every((element) => element !== null);
  return complete ? (panel as OutputPanel) : null;
}

/** Empties the panel and shows the idle message. */
export function clearOutput(panel: OutputPanel): void {
  resetPanel(panel);
  panel.status.textContent = IDLE_MESSAGE;
}

/** Shows that a run is in flight. */
export function showRunning(panel: OutputPanel): void {
  resetPanel(panel);
  panel.root.setAttribute('aria-busy', 'true');
  panel.status.textContent = 'Running…';
}

/** Shows stdout, stderr, the status line and, when present, the error explanation. */
export function showRunResult(panel: OutputPanel, result: RunResponse): void {
  resetPanel(panel);
  panel.status.replaceChildren(...statusLine(result));

  showStream(panel.stdoutBlock, panel.stdout, result.stdout);
  showStream(panel.stderrBlock, panel.stderr, result.stderr);

  const note = STATUS_NOTES[result.status];
  if (note) showError(panel, note);

  if (isExplanation(result.explanation)) showExplanation(panel, result.explanation);
}

/** Shows why a run request failed and what the learner can do about it. */
export function showRunError(panel: OutputPanel, status: number, error: ApiError, retryAfterSeconds: number | null): void {
  resetPanel(panel);
  panel.status.textContent = 'The code did not run.';

  if (status === 401) {
    showSignInPrompt(panel);
    return;
  }
  showError(panel, describeRunError(status, error, retryAfterSeconds));
}

/** Turns an API error from `POST /api/run` into a sentence for the learner. */
export function describeRunError(status: number, error: ApiError, retryAfterSeconds: number | null): string {
  const wait = describeWait(retryAfterSeconds);
  switch (error.code) {
    case 'run_in_progress':
      return 'Your previous run is still going. Wait for it to finish, then run again.';
    case 'code_too_long':
      // The API's message names the maximum length.
      return error.message;
    case 'rate_limited':
      return `You have run code many times in a short while. Try again ${wait}.`;
    case 'sandbox_busy':
      return `The code runner is busy right now. Try again ${wait}.`;
    case 'sandbox_unavailable':
      return `The code runner is not available right now. Try again ${wait}.`;
    case 'csrf_invalid':
      return 'This page is out of date. Reload it and run your code again.';
  }
  if (status === 413) return 'Your code is too long to run. Shorten it and run it again.';
  return error.message;
}

function statusLine(result: RunResponse): Node[] {
  const badge = document.createElement('span');
  badge.className = `status-badge status-${result.status === 'ok' ? 'ok' : 'problem'}`;
  badge.textContent = STATUS_LABELS[result.status] ?? result.status;

  const details = [`${Math.round(result.durationMs)} ms`];
  if (typeof result.exitCode === 'number') details.push(`exit code ${result.exitCode}`);
  if (result.stdout === '' && result.stderr === '') details.push('no output');

  const nodes: Node[] = [document.createTextNode('Status: '), badge, document.createTextNode(` · ${details.join(' · ')}`)];
  if (result.truncated) {
    const truncated = document.createElement('span');
    truncated.className = 'status-badge status-warning';
    truncated.textContent = 'truncated';
    truncated.title = 'The output was cut at the size limit.';
    nodes.push(document.createTextNode(' · '), truncated);
  }
  return nodes;
}

function showStream(block: HTMLElement, target: HTMLElement, text: string): void {
  target.textContent = text;
  block.hidden = text === '';
}

function showExplanation(panel: OutputPanel, explanation: ErrorExplanation): void {
  panel.explanationTitle.textContent =
    explanation.line === null ? explanation.errorType : `${explanation.errorType} on line ${explanation.line}`;
  panel.explanationSummary.textContent = explanation.summary;
  panel.explanationHint.textContent = explanation.hint;
  panel.explanation.hidden = false;
}

function showSignInPrompt(panel: OutputPanel): void {
  const link = document.createElement('a');
  link.href = `/signin?next=${encodeURIComponent(location.pathname)}`;
  link.textContent = 'Sign in';
  panel.error.replaceChildren('You are signed out. ', link, ' again to run code.');
  panel.error.hidden = false;
}

function showError(panel: OutputPanel, message: string): void {
  panel.error.textContent = message;
  panel.error.hidden = false;
}

function resetPanel(panel: OutputPanel): void {
  panel.root.removeAttribute('aria-busy');
  panel.error.replaceChildren();
  panel.error.hidden = true;
  showStream(panel.stdoutBlock, panel.stdout, '');
  showStream(panel.stderrBlock, panel.stderr, '');
  panel.explanation.hidden = true;
  panel.explanationTitle.textContent = '';
  panel.explanationSummary.textContent = '';
  panel.explanationHint.textContent = '';
}
