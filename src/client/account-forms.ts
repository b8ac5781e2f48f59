/** Form helpers shared by the account page and the recovery pages: read fields, show the API's errors, show a status line. */
import { describeWait, type ApiError } from './api.js';

/** Reads a form's text fields by input name. */
export function readFormFields(form: HTMLFormElement): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new FormData(form)) {
    if (typeof value === 'string') fields[name] = value;
  }
  return fields;
}

/** Hides every error and status message of a form and clears `aria-invalid`. */
export function clearFormMessages(form: HTMLFormElement): void {
  for (const element of form.querySelectorAll<HTMLElement>('[data-field-error], [data-form-error], [data-form-status]')) {
    element.textContent = '';
    element.hidden = true;
  }
  for (const input of form.querySelectorAll<HTMLInputElement>('input[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
  }
}

/** Shows an API error next to its fields, or as the form's error line when it names no field of this form. */
export function showFormError(form: HTMLFormElement, error: ApiError, retryAfterSeconds: number | null): void {
  let firstInvalid: HTMLInputElement | null = null;
  for (const [name, message] of Object.entries(error.fields ?? {})) {
    const errorElement = form.querySelector<HTMLElement>(`[data-field-error="${CSS.escape(name)}"]`);
    const input = form.elements.namedItem(name);
    if (!errorElement || !(input instanceof HTMLInputElement)) continue;

    errorElement.textContent = message;
    errorElement.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    firstInvalid ??= input;
  }
  if (firstInvalid) {
    firstInvalid.focus();
    return;
  }

  const message = error.code === 'rate_limited' ? `${error.message} Try again ${describeWait(retryAfterSeconds)}.` : error.message;
  showMessage(form, '[data-form-error]', message);
}

/** Shows a success line in the form's `[data-form-status]` element. */
export function showFormStatus(form: HTMLFormElement, message: string): void {
  showMessage(form, '[data-form-status]', message);
}

/** Disables the submit button while a request is pending and swaps its label. */
export function setSubmitPending(form: HTMLFormElement, pending: boolean): void {
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  if (!button) return;

  button.dataset.idleLabel ??= button.textContent ?? '';
  button.disabled = pending;
  button.textContent = pending ? (form.dataset.pendingLabel ?? button.dataset.idleLabel) : button.dataset.idleLabel;
}

/**
 * Takes the token from the address: the `#token=` fragment that mailed links use, or
 * a `?token=` query. It is then removed from the address bar and history, so it is
 * not left on screen, in bookmarks or in the history of a shared computer.
 */
export function takeTokenFromAddress(): string | null {
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token');
  const fromQuery = new URLSearchParams(location.search).get('token');
  const token = fromFragment ?? fromQuery;
  if (token !== null) history.replaceState(null, '', location.pathname);
  return token;
}

function showMessage(form: HTMLFormElement, selector: string, message: string): void {
  const element = form.querySelector<HTMLElement>(selector);
  if (!element) return;
  element.textContent = message;
  element.hidden = false;
}
