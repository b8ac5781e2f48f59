/** Sign-up and sign-in forms: post the fields as JSON, show the API's errors, then follow `next`. */
import { describeWait, postJson, type ApiError } from './api.js';
import { safeNextPath } from '../web/routes/safe-next.js';

function wireAuthForm(form: HTMLFormElement): void {
  const endpoint = form.dataset.endpoint;
  if (!endpoint) return;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submitAuthForm(form, endpoint);
  });
}

async function submitAuthForm(form: HTMLFormElement, endpoint: string): Promise<void> {
  const submitButton = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  if (submitButton?.disabled) return;

  clearErrors(form);
  const idleLabel = submitButton?.textContent ?? '';
  setPending(submitButton, true, form.dataset.pendingLabel ?? idleLabel);

  const result = await postJson<unknown>(endpoint, readFields(form));
  if (result.ok) {
    // The button stays disabled while the browser leaves the page.
    const next = new URLSearchParams(location.search).get('next');
    location.assign(safeNextPath(next));
    return;
  }

  setPending(submitButton, false, idleLabel);
  showErrors(form, result.error, result.retryAfterSeconds);
}

function readFields(form: HTMLFormElement): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new FormData(form)) {
    if (typeof value === 'string') fields[name] = value;
  }
  return fields;
}

function showErrors(form: HTMLFormElement, error: ApiError, retryAfterSeconds: number | null): void {
  const shownFieldErrors = showFieldErrors(form, error.fields ?? {});
  if (shownFieldErrors) return;

  const message = error.code === 'rate_limited' ? `${error.message} Try again ${describeWait(retryAfterSeconds)}.` : error.message;
  const formError = form.querySelector<HTMLElement>('[data-form-error]');
  if (!formError) return;
  formError.textContent = message;
  formError.hidden = false;
}

/** Shows each field error next to its input and focuses the first one; returns whether any was shown. */
function showFieldErrors(form: HTMLFormElement, fields: Record<string, string>): boolean {
  let firstInvalid: HTMLInputElement | null = null;

  for (const [name, message] of Object.entries(fields)) {
    const errorElement = form.querySelector<HTMLElement>(`[data-field-error="${CSS.escape(name)}"]`);
    const input = form.elements.namedItem(name);
    if (!errorElement || !(input instanceof HTMLInputElement)) continue;

    errorElement.textContent = message;
    errorElement.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    firstInvalid ??= input;
  }

  firstInvalid?.focus();
  return firstInvalid !== null;
}

function clearErrors(form: HTMLFormElement): void {
  for (const element of form.querySelectorAll<HTMLElement>('[data-field-error], [data-form-error]')) {
    element.textContent = '';
    element.hidden = true;
  }
  for (const input of form.querySelectorAll<HTMLInputElement>('input[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
  }
}

function setPending(button: HTMLButtonElement | null, pending: boolean, label: string): void {
  if (!button) return;
  button.disabled = pending;
  button.textContent = label;
}

for (const form of document.querySelectorAll<HTMLFormElement>('form[data-auth-form]')) {
  wireAuthForm(form);
}
