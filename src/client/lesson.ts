/** Lesson page: the editor, running code, the output panel and loading task starter code. */
import type { EditorView } from '@codemirror/view';
import { postJson } from './api.js';
import { createPythonEditor, replaceCode } from './editor.js';
import { createCodeSaver, forgetSavedCode, loadSavedCode } from './saved-code.js';
import { wireTaskChecks } from './task-checks.js';
import { mountTutorPanel } from './tutor-panel.js';
import {
  clearOutput,
  findOutputPanel,
  isRunResponse,
  showRunError,
  showRunning,
  showRunResult,
  type OutputPanel,
  type RunResponse,
} from './run-output.js';

const UNEXPECTED_RESULT = { code: 'unexpected_response', message: 'The server sent a result this page cannot read. Reload the page and try again.' };

interface Workspace {
  view: EditorView;
  panel: OutputPanel;
  runButton: HTMLButtonElement;
  stdin: HTMLTextAreaElement | null;
  lessonId: string;
  running: boolean;
  /** The latest run's result, which the tutor sees with the learner's question. */
  lastRun: RunResponse | null;
}

function startWorkspace(): void {
  const root = document.querySelector<HTMLElement>('[data-workspace]');
  const host = root?.querySelector<HTMLElement>('[data-editor-host]');
  const fallback = root?.querySelector<HTMLTextAreaElement>('[data-code-fallback]');
  const runButton = root?.querySelector<HTMLButtonElement>('[data-run]');
  const outputRoot = root?.querySelector<HTMLElement>('[data-output]');
  if (!root || !host || !fallback || !runButton || !outputRoot) return;

  const panel = findOutputPanel(outputRoot);
  if (!panel) return;

  const lessonId = root.dataset.lessonId ?? '';
  // The keyboard shortcut reaches `workspace` only after this function has returned.
  const view = createPythonEditor({
    host,
    initialCode: loadSavedCode(lessonId) ?? fallback.value,
    onRun: () => void runCode(workspace),
    onChange: createCodeSaver(lessonId),
  });
  const workspace: Workspace = {
    view,
    panel,
    runButton,
    stdin: root.querySelector<HTMLTextAreaElement>('[data-stdin]'),
    lessonId,
    running: false,
    lastRun: null,
  };

  fallback.hidden = true;
  host.hidden = false;
  root.querySelector<HTMLElement>('[data-editor-help]')?.removeAttribute('hidden');

  wireToolbar(root, workspace);
  wireStdinShortcut(workspace);
  wireTaskButtons(workspace);
  wireTaskChecks(lessonId, () => view.state.doc.toString());
  startTutor(workspace);
}

function startTutor(workspace: Workspace): void {
  const tutorRoot = document.querySelector<HTMLElement>('[data-tutor]');
  if (!tutorRoot?.dataset.lessonId) return;

  mountTutorPanel(tutorRoot, {
    lessonId: tutorRoot.dataset.lessonId,
    getCode: () => workspace.view.state.doc.toString(),
    getLastRun: () => workspace.lastRun,
    insertCode: (code) => {
      replaceCode(workspace.view, code);
      workspace.view.focus();
    },
  });
}

function wireToolbar(root: HTMLElement, workspace: Workspace): void {
  workspace.runButton.addEventListener('click', () => void runCode(workspace));
  workspace.runButton.disabled = false;

  const clearButton = root.querySelector<HTMLButtonElement>('[data-clear-output]');
  if (clearButton) {
    clearButton.addEventListener('click', () => clearOutput(workspace.panel));
    clearButton.disabled = false;
  }

  const resetButton = root.querySelector<HTMLButtonElement>('[data-reset-example]');
  if (resetButton) {
    const exampleCode = resetButton.dataset.exampleCode ?? '';
    resetButton.addEventListener('click', () => {
      forgetSavedCode(workspace.lessonId);
      replaceCode(workspace.view, exampleCode);
      workspace.view.focus();
    });
    resetButton.disabled = false;
  }
}

function wireStdinShortcut(workspace: Workspace): void {
  workspace.stdin?.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    void runCode(workspace);
  });
}

function wireTaskButtons(workspace: Workspace): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-load-starter]')) {
    button.addEventListener('click', () => {
      replaceCode(workspace.view, button.dataset.starterCode ?? '');
      clearOutput(workspace.panel);
      workspace.panel.status.textContent = `Loaded the starter code for “${button.dataset.taskTitle ?? 'this task'}”. Press Run when you are ready.`;
      workspace.view.dom.scrollIntoView({ block: 'center', behavior: 'smooth' });
      workspace.view.focus();
    });
    button.disabled = false;
  }
}

async function runCode(workspace: Workspace): Promise<void> {
  // The API allows one run at a time per user, so a second click would only earn a 409.
  if (workspace.running) return;
  setRunning(workspace, true);
  showRunning(workspace.panel);

  try {
    const result = await postJson<RunResponse>('/api/run', {
      code: workspace.view.state.doc.toString(),
      stdin: workspace.stdin?.value ?? '',
    });
    if (result.ok && isRunResponse(result.data)) {
      workspace.lastRun = result.data;
      showRunResult(workspace.panel, result.data);
    }
    else if (result.ok) showRunError(workspace.panel, result.status, UNEXPECTED_RESULT, null);
    else showRunError(workspace.panel, result.status, result.error, result.retryAfterSeconds);
  } finally {
    setRunning(workspace, false);
  }
  // The output sits below the editor, often outside the visible part of the workspace.
  workspace.panel.root.scrollIntoView({ block: 'nearest' });
}

function setRunning(workspace: Workspace, running: boolean): void {
  workspace.running = running;
  workspace.runButton.disabled = running;
  workspace.runButton.textContent = running ? 'Running…' : 'Run';
}

startWorkspace();
