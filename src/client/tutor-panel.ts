/** The tutor chat panel on the lesson page: conversation, streamed answers, Stop, and the daily question count. */
import { describeWait, parseRetryAfter, readCsrfToken, type ApiError } from './api.js';
import { renderMarkdown } from './markdown-render.js';

export interface TutorPanelOptions {
  lessonId: string;
  /** The code currently in the editor. */
  getCode(): string;
  /** The result of the latest run, or null; only `status`, `stdout` and `stderr` are sent. */
  getLastRun(): unknown;
  /** Replaces the editor's code, for the "Use this code" buttons. */
  insertCode(code: string): void;
}

/** One event of a text/event-stream body. */
export interface StreamEvent {
  event: string;
  data: string;
}

/** Maximum question length the server accepts, in characters. */
const MAX_MESSAGE_CHARS = 500;
/** Output characters sent with a question; the server keeps 2,000 of each stream for the prompt. */
const MAX_SENT_OUTPUT_CHARS = 4_000;
const HIDDEN_STORAGE_KEY = 'lp-tutor-hidden';

/**
 * Splits a text/event-stream body into events as chunks arrive. A chunk may end
 * in the middle of an event; the rest waits in the buffer for the next chunk.
 */
export class EventStreamParser {
  private buffer = '';

  /** Adds a decoded chunk and returns the events it completed. */
  push(chunk: string): StreamEvent[] {
    this.buffer += chunk;
    const events: StreamEvent[] = [];
    let boundary = this.buffer.indexOf('\n\n');
    while (boundary !== -1) {
      const event = parseEventBlock(this.buffer.slice(0, boundary));
      if (event) events.push(event);
      this.buffer = this.buffer.slice(boundary + 2);
      boundary = this.buffer.indexOf('\n\n');
    }
    return events;
  }
}

function parseEventBlock(block: string): StreamEvent | null {
  let event = 'message';
  const data: string[] = [];
  for (const rawLine of block.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  return data.length === 0 ? null : { event, data: data.join('\n') };
}

/** Picks the fields of a run result that the tutor reads, cut to a size the server accepts. */
export function summariseLastRun(value: unknown): { status: string; stdout: string; stderr: string } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const run = value as Record<string, unknown>;
  if (typeof run.status !== 'string' || typeof run.stdout !== 'string' || typeof run.stderr !== 'string') return undefined;

  return {
    status: run.status.slice(0, 40),
    stdout: run.stdout.slice(0, MAX_SENT_OUTPUT_CHARS),
    // The exception is at the end of stderr, so the end is what is kept.
    stderr: run.stderr.slice(-MAX_SENT_OUTPUT_CHARS),
  };
}

interface PanelElements {
  body: HTMLElement;
  toggle: HTMLButtonElement;
  remaining: HTMLElement;
  messages: HTMLElement;
  status: HTMLElement;
  error: HTMLElement;
  form: HTMLFormElement;
  input: HTMLTextAreaElement;
  counter: HTMLElement;
  askButton: HTMLButtonElement;
  stopButton: HTMLButtonElement;
  clearButton: HTMLButtonElement;
}

interface PanelState {
  options: TutorPanelOptions;
  elements: PanelElements;
  /** Aborts the answer being streamed; null while idle. */
  inFlight: AbortController | null;
  /** False when the server reported that the tutor is switched off. */
  available: boolean;
}

let panelCount = 0;

/** Builds the tutor panel inside `root`, loads the stored conversation and the daily count. */
export function mountTutorPanel(root: HTMLElement, options: TutorPanelOptions): void {
  panelCount += 1;
  const elements = buildPanel(root, `tutor-${panelCount}`);
  const state: PanelState = { options, elements, inFlight: null, available: true };

  wireToggle(elements);
  wireForm(state);
  void loadQuota(state);
  void loadConversation(state);
}

function buildPanel(root: HTMLElement, idPrefix: string): PanelElements {
  const header = create('div', 'tutor-header');
  const title = create('h2', 'tutor-title', 'Ask the tutor');
  title.id = `${idPrefix}-title`;
  const remaining = create('p', 'tutor-remaining');
  remaining.setAttribute('aria-live', 'polite');
  const toggle = create('button', 'button button-quiet tutor-toggle', 'Hide') as HTMLButtonElement;
  toggle.type = 'button';
  toggle.setAttribute('aria-controls', `${idPrefix}-body`);
  toggle.setAttribute('aria-expanded', 'true');
  header.append(title, remaining, toggle);

  const body = create('div', 'tutor-body');
  body.id = `${idPrefix}-body`;
  const messages = create('ol', 'tutor-messages');
  messages.setAttribute('aria-label', 'Conversation with the tutor');
  const status = create('p', 'tutor-status');
  status.setAttribute('role', 'status');
  const error = create('p', 'tutor-error');
  error.setAttribute('role', 'alert');
  error.hidden = true;

  const form = create('form', 'tutor-form') as HTMLFormElement;
  const label = create('label', 'field-label', 'Your question') as HTMLLabelElement;
  label.htmlFor = `${idPrefix}-input`;
  const input = create('textarea', 'tutor-input') as HTMLTextAreaElement;
  input.id = `${idPrefix}-input`;
  input.rows = 3;
  input.maxLength = MAX_MESSAGE_CHARS;
  input.placeholder = 'Ask about this lesson or your code. Ctrl+Enter sends.';
  input.setAttribute('aria-keyshortcuts', 'Control+Enter Meta+Enter');
  const footer = create('div', 'tutor-form-footer');
  const counter = create('span', 'tutor-counter', `0 / ${MAX_MESSAGE_CHARS}`);
  const askButton = create('button', 'button', 'Ask') as HTMLButtonElement;
  askButton.type = 'submit';
  const stopButton = create('button', 'button button-secondary', 'Stop') as HTMLButtonElement;
  stopButton.type = 'button';
  stopButton.hidden = true;
  const clearButton = create('button', 'button button-quiet', 'Clear conversation') as HTMLButtonElement;
  clearButton.type = 'button';
  footer.append(counter, askButton, stopButton, clearButton);
  form.append(label, input, footer);

  body.append(messages, status, error, form);
  const section = create('section', 'tutor-panel');
  section.setAttribute('aria-labelledby', title.id);
  section.append(header, body);
  root.replaceChildren(section);

  return { body, toggle, remaining, messages, status, error, form, input, counter, askButton, stopButton, clearButton };
}

function wireToggle(elements: PanelElements): void {
  const apply = (hidden: boolean): void => {
    elements.body.hidden = hidden;
    elements.toggle.textContent = hidden ? 'Show' : 'Hide';
    elements.toggle.setAttribute('aria-expanded', String(!hidden));
  };
  apply(readHiddenPreference());
  elements.toggle.addEventListener('click', () => {
    const hidden = !elements.body.hidden;
    apply(hidden);
    storeHiddenPreference(hidden);
  });
}

function wireForm(state: PanelState): void {
  const { elements } = state;
  elements.input.addEventListener('input', () => updateCounter(state));
  elements.input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    elements.form.requestSubmit();
  });
  elements.form.addEventListener('submit', (event) => {
    event.preventDefault();
    const message = elements.input.value.trim();
    if (message !== '') void askQuestion(state, message);
  });
  elements.stopButton.addEventListener('click', () => state.inFlight?.abort());
  elements.clearButton.addEventListener('click', () => void clearConversation(state));
}

async function loadQuota(state: PanelState): Promise<void> {
  const response = await requestJson('GET', '/api/tutor/quota');
  if (response.ok) {
    showRemaining(state, (response.data as { remaining: number }).remaining);
    return;
  }
  if (response.error.code === 'tutor_unavailable' && response.status === 503) {
    state.available = false;
    setBusy(state, false);
  }
  showError(state, describeTutorError(response.status, response.error, response.retryAfterSeconds));
}

async function loadConversation(state: PanelState): Promise<void> {
  const response = await requestJson('GET', `/api/tutor/conversation?lessonId=${encodeURIComponent(state.options.lessonId)}`);
  if (!response.ok) return;

  const stored = (response.data as { messages?: Array<{ role: string; content: string }> }).messages ?? [];
  state.elements.messages.replaceChildren();
  for (const message of stored) appendMessage(state, message.role === 'user' ? 'user' : 'assistant', message.content);
  scrollToEnd(state);
}

/** How far the current answer has come. */
interface AnswerProgress {
  text: string;
  /** True once a `done` or `error` event arrived, so the stream did not just break off. */
  ended: boolean;
  renderPending: boolean;
}

async function askQuestion(state: PanelState, message: string): Promise<void> {
  if (state.inFlight || !state.available) return;
  const controller = new AbortController();
  state.inFlight = controller;
  setBusy(state, true);
  hideError(state);
  state.elements.status.textContent = 'The tutor is thinking…';

  const question = appendMessage(state, 'user', message);
  const answerItem = appendMessage(state, 'assistant', '');
  setInput(state, '');
  scrollToEnd(state);
  const progress: AnswerProgress = { text: '', ended: false, renderPending: false };

  try {
    const body = {
      message,
      lessonId: state.options.lessonId,
      code: state.options.getCode() || undefined,
      lastRun: summariseLastRun(state.options.getLastRun()),
    };
    const response = await postQuestion(body, controller.signal);
    if (!response.ok || !(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      await showFailedResponse(state, response);
      return;
    }
    await readAnswerStream(state, response, answerItem, progress);
    state.elements.status.textContent = '';
    if (!progress.ended) showError(state, 'The connection closed before the answer finished. Ask again to get the rest.');
  } catch {
    state.elements.status.textContent = controller.signal.aborted ? 'Stopped. The answer so far is kept.' : '';
    if (!controller.signal.aborted) showError(state, 'Could not reach the server. Check your connection and try again.');
  } finally {
    state.inFlight = null;
    setBusy(state, false);
    if (progress.text === '') {
      // No text arrived, so the server stored nothing: give the question back for another try.
      question.remove();
      answerItem.remove();
      if (state.elements.input.value === '') setInput(state, message);
    }
  }
}

async function readAnswerStream(state: PanelState, response: Response, answerItem: HTMLElement, progress: AnswerProgress): Promise<void> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new EventStreamParser();

  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const event of parser.push(value)) handleStreamEvent(state, event, progress, answerItem);
    }
  } finally {
    reader.releaseLock();
    renderAnswer(state, answerItem, progress.text);
  }
}

function handleStreamEvent(state: PanelState, event: StreamEvent, progress: AnswerProgress, answerItem: HTMLElement): void {
  const data = parseJson(event.data);
  if (event.event === 'delta' && typeof data?.text === 'string') {
    progress.text += data.text;
    // Re-rendering once per frame keeps long answers cheap however many pieces arrive.
    if (!progress.renderPending) {
      progress.renderPending = true;
      requestAnimationFrame(() => {
        progress.renderPending = false;
        renderAnswer(state, answerItem, progress.text);
      });
    }
  } else if (event.event === 'done') {
    progress.ended = true;
    if (typeof data?.remaining === 'number') showRemaining(state, data.remaining);
  } else if (event.event === 'error') {
    progress.ended = true;
    showError(state, `${toApiError(data).message} The answer may be incomplete.`);
  }
}

async function showFailedResponse(state: PanelState, response: Response): Promise<void> {
  const payload = parseJson(await response.text().catch(() => ''));
  const error = toApiError(payload);
  if (error.code === 'daily_limit_reached') showRemaining(state, 0);
  state.elements.status.textContent = '';
  showError(state, describeTutorError(response.status, error, parseRetryAfter(response.headers.get('retry-after'))));
}

async function clearConversation(state: PanelState): Promise<void> {
  if (state.inFlight) return;
  if (!window.confirm('Delete your conversation with the tutor for this lesson?')) return;

  const response = await requestJson('DELETE', `/api/tutor/conversation?lessonId=${encodeURIComponent(state.options.lessonId)}`);
  if (!response.ok) {
    showError(state, describeTutorError(response.status, response.error, response.retryAfterSeconds));
    return;
  }
  state.elements.messages.replaceChildren();
  hideError(state);
}

/** Turns an API error from the tutor routes into a sentence for the learner. */
export function describeTutorError(status: number, error: ApiError, retryAfterSeconds: number | null): string {
  if (status === 401) return 'You are signed out. Sign in again to ask the tutor.';
  switch (error.code) {
    case 'rate_limited':
      return `You have asked many questions in a short while. Try again ${describeWait(retryAfterSeconds)}.`;
    case 'csrf_invalid':
      return 'This page is out of date. Reload it and ask again.';
    case 'invalid_input':
      return error.fields?.code ? `Your code ${error.fields.code}, so the tutor cannot read it. Shorten it and ask again.` : error.message;
  }
  return error.message;
}

function appendMessage(state: PanelState, role: 'user' | 'assistant', content: string): HTMLElement {
  const item = create('li', `tutor-message tutor-message-${role}`);
  const speaker = create('p', 'visually-hidden', role === 'user' ? 'You:' : 'Tutor:');
  const text = create('div', 'tutor-message-text');
  item.append(speaker, text);
  state.elements.messages.append(item);
  if (role === 'user') text.textContent = content;
  else renderAnswer(state, item, content);
  return item;
}

function renderAnswer(state: PanelState, item: HTMLElement, markdown: string): void {
  const text = item.querySelector<HTMLElement>('.tutor-message-text');
  if (!text) return;
  const nearBottom = isScrolledToEnd(state);
  text.replaceChildren(renderMarkdown(markdown, { onUseCode: (code) => state.options.insertCode(code) }));
  if (nearBottom) scrollToEnd(state);
}

function setInput(state: PanelState, value: string): void {
  state.elements.input.value = value;
  updateCounter(state);
}

function updateCounter(state: PanelState): void {
  state.elements.counter.textContent = `${[...state.elements.input.value].length} / ${MAX_MESSAGE_CHARS}`;
}

function showRemaining(state: PanelState, remaining: number): void {
  state.elements.remaining.textContent = remaining === 0
    ? 'No questions left today; more after midnight UTC.'
    : `${remaining} ${remaining === 1 ? 'question' : 'questions'} left today`;
}

function setBusy(state: PanelState, busy: boolean): void {
  const { elements } = state;
  elements.askButton.disabled = busy || !state.available;
  elements.input.disabled = !state.available;
  elements.clearButton.disabled = busy;
  elements.stopButton.hidden = !busy;
  elements.messages.setAttribute('aria-busy', String(busy));
}

function showError(state: PanelState, message: string): void {
  state.elements.error.textContent = message;
  state.elements.error.hidden = false;
}

function hideError(state: PanelState): void {
  state.elements.error.textContent = '';
  state.elements.error.hidden = true;
}

function isScrolledToEnd(state: PanelState): boolean {
  const list = state.elements.messages;
  return list.scrollHeight - list.scrollTop - list.clientHeight < 40;
}

function scrollToEnd(state: PanelState): void {
  state.elements.messages.scrollTop = state.elements.messages.scrollHeight;
}

/** Posts a question asking for an event stream; a stale CSRF token is replaced once, as in api.ts. */
async function postQuestion(body: unknown, signal: AbortSignal): Promise<Response> {
  const send = (token: string): Promise<Response> => fetch('/api/tutor', {
    method: 'POST',
    headers: { accept: 'text/event-stream', 'content-type': 'application/json', 'x-csrf-token': token },
    body: JSON.stringify(body),
    credentials: 'same-origin',
    signal,
  });

  const first = await send(readCsrfToken());
  if (first.status !== 403) return first;
  const payload = parseJson(await first.clone().text());
  if (toApiError(payload).code !== 'csrf_invalid') return first;
  const token = await fetchFreshCsrfToken();
  return token ? send(token) : first;
}

type JsonResult = { ok: true; status: number; data: unknown } | { ok: false; status: number; error: ApiError; retryAfterSeconds: number | null };

async function requestJson(method: 'GET' | 'DELETE', path: string, retried = false): Promise<JsonResult> {
  let response: Response;
  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method !== 'GET') headers['x-csrf-token'] = readCsrfToken();
    response = await fetch(path, { method, headers, credentials: 'same-origin' });
  } catch {
    return { ok: false, status: 0, error: { code: 'network_error', message: 'Could not reach the server. Check your connection and try again.' }, retryAfterSeconds: null };
  }

  const payload = response.status === 204 ? null : parseJson(await response.text().catch(() => ''));
  if (response.ok) return { ok: true, status: response.status, data: payload };
  const error = toApiError(payload);
  if (method !== 'GET' && !retried && error.code === 'csrf_invalid' && (await fetchFreshCsrfToken())) return requestJson(method, path, true);
  return { ok: false, status: response.status, error, retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')) };
}

async function fetchFreshCsrfToken(): Promise<string | null> {
  try {
    const response = await fetch('/api/csrf', { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    const token = (parseJson(await response.text()) as { token?: unknown } | null)?.token;
    if (typeof token !== 'string') return null;
    document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.setAttribute('content', token);
    return token;
  } catch {
    return null;
  }
}

function toApiError(payload: unknown): ApiError {
  const error = (payload as { error?: { code?: unknown; message?: unknown; fields?: unknown } } | null)?.error;
  if (typeof error?.code !== 'string' || typeof error.message !== 'string') {
    return { code: 'unexpected_response', message: 'The server sent a response this page cannot read. Reload the page and try again.' };
  }
  const fields = typeof error.fields === 'object' && error.fields !== null ? (error.fields as Record<string, string>) : undefined;
  return { code: error.code, message: error.message, ...(fields ? { fields } : {}) };
}

function parseJson(text: string): any {
  try {
    return text === '' ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

function readHiddenPreference(): boolean {
  try {
    return localStorage.getItem(HIDDEN_STORAGE_KEY) === 'true';
  } catch {
    return false;
  }
}

function storeHiddenPreference(hidden: boolean): void {
  try {
    localStorage.setItem(HIDDEN_STORAGE_KEY, String(hidden));
  } catch {
    // Storage can be blocked; the panel then opens visible on the next page.
  }
}

function create(tag: string, className: string, text?: string): HTMLElement {
  const element = document.createElement(tag);
  element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}
