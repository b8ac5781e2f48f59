/** Account page: password and email changes, verification mail, sessions, and account deletion. */
import { postJson, readCsrfToken } from './api.js';
import { clearFormMessages, readFormFields, setSubmitPending, showFormError, showFormStatus } from './account-forms.js';

/**
 * Wires a form marked `data-account-form` that posts its fields to `data-endpoint`.
 * On success it shows `data-success-message`, with `{pendingEmail}` filled from the
 * response, or goes to `data-success-location` when set.
 */
function wireAccountForm(form: HTMLFormElement): void {
  const endpoint = form.dataset.endpoint;
  if (!endpoint) return;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submitAccountForm(form, endpoint);
  });
}

async function submitAccountForm(form: HTMLFormElement, endpoint: string): Promise<void> {
  clearFormMessages(form);
  setSubmitPending(form, true);
  const result = await postJson<{ pendingEmail?: string } | null>(endpoint, readFormFields(form));

  if (!result.ok) {
    setSubmitPending(form, false);
    showFormError(form, result.error, result.retryAfterSeconds);
    return;
  }
  if (form.dataset.successLocation) {
    location.assign(form.dataset.successLocation);
    return;
  }

  setSubmitPending(form, false);
  form.reset();
  const message = (form.dataset.successMessage ?? 'Saved.').replace('{pendingEmail}', result.data?.pendingEmail ?? '');
  showFormStatus(form, message);
}

async function resendVerification(button: HTMLButtonElement, status: HTMLElement | null): Promise<void> {
  button.disabled = true;
  const result = await postJson<unknown>('/api/auth/resend-verification');
  button.disabled = false;
  if (!status) return;

  status.textContent = result.ok ? 'A new link is on its way. Check your mailbox.' : result.error.message;
  status.hidden = false;
}

/** Revokes one session; revoking this browser's own session signs it out. */
async function revokeSession(button: HTMLButtonElement): Promise<void> {
  const sessionId = button.dataset.revokeSession;
  const row = button.closest<HTMLElement>('[data-session-row]');
  const status = row?.querySelector<HTMLElement>('[data-session-status]') ?? null;
  if (!sessionId) return;

  button.disabled = true;
  const outcome = await sendDelete(`/api/account/sessions/${encodeURIComponent(sessionId)}`);
  if (outcome.ok) {
    if (button.dataset.current === 'true') {
      location.assign('/');
      return;
    }
    row?.remove();
    return;
  }

  button.disabled = false;
  if (status) {
    status.textContent = outcome.message;
    status.hidden = false;
  }
}

/** Sends DELETE with the CSRF header; `postJson` covers POST only. */
async function sendDelete(path: string): Promise<{ ok: true } | { ok: false; message: string }> {
  try {
    const response = await fetch(path, { method: 'DELETE', headers: { accept: 'application/json', 'x-csrf-token': readCsrfToken() }, credentials: 'same-origin' });
    if (response.ok) return { ok: true };
    const payload = (await response.json().catch(() => null)) as { error?: { message?: unknown } } | null;
    const message = typeof payload?.error?.message === 'string' ? payload.error.message : `The server responded with HTTP ${response.status}; reload the page and try again.`;
    return { ok: false, message };
  } catch {
    return { ok: false, message: 'Could not reach the server. Check your connection and try again.' };
  }
}

for (const form of document.querySelectorAll<HTMLFormElement>('form[data-account-form]')) {
  wireAccountForm(form);
}

const resendButton = document.querySelector<HTMLButtonElement>('button[data-resend-verification]');
resendButton?.addEventListener('click', () => {
  void resendVerification(resendButton, document.querySelector<HTMLElement>('[data-resend-status]'));
});

for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-revoke-session]')) {
  button.addEventListener('click', () => { void revokeSession(button); });
}
