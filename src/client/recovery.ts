/** Verify-email and password-reset pages: post the mailed token (or the email) to the API and show the outcome. */
import { postJson } from './api.js';
import { clearFormMessages, readFormFields, setSubmitPending, showFormError, showFormStatus, takeTokenFromAddress } from './account-forms.js';

/** Confirms the address as soon as the page opens; a link prefetched by a mail scanner is a GET and confirms nothing. */
async function verifyEmail(panel: HTMLElement, token: string | null): Promise<void> {
  if (!token) {
    showOutcome(panel, 'missing');
    return;
  }
  const result = await postJson<unknown>('/api/auth/verify-email', { token });
  if (result.ok) {
    showOutcome(panel, 'verified');
    return;
  }
  showOutcome(panel, 'failed', result.error.message);
}

/** Shows the element marked `data-outcome="<name>"` and hides the others; `message` fills its `[data-outcome-message]`. */
function showOutcome(panel: HTMLElement, name: string, message?: string): void {
  for (const element of panel.querySelectorAll<HTMLElement>('[data-outcome]')) {
    element.hidden = element.dataset.outcome !== name;
  }
  const messageElement = panel.querySelector<HTMLElement>(`[data-outcome="${name}"] [data-outcome-message]`);
  if (messageElement && message) messageElement.textContent = message;
}

function wireResetRequest(form: HTMLFormElement): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submitResetRequest(form);
  });
}

async function submitResetRequest(form: HTMLFormElement): Promise<void> {
  clearFormMessages(form);
  setSubmitPending(form, true);
  const result = await postJson<unknown>('/api/auth/password-reset', readFormFields(form));
  setSubmitPending(form, false);

  if (!result.ok) {
    showFormError(form, result.error, result.retryAfterSeconds);
    return;
  }
  showFormStatus(form, form.dataset.successMessage ?? 'Check your mailbox.');
}

function wireResetConfirm(form: HTMLFormElement, panel: HTMLElement, token: string | null): void {
  if (!token) {
    showOutcome(panel, 'missing');
    return;
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submitResetConfirm(form, panel, token);
  });
}

async function submitResetConfirm(form: HTMLFormElement, panel: HTMLElement, token: string): Promise<void> {
  clearFormMessages(form);
  setSubmitPending(form, true);
  const result = await postJson<unknown>('/api/auth/password-reset/confirm', { token, password: readFormFields(form).password ?? '' });
  setSubmitPending(form, false);

  if (result.ok) {
    showOutcome(panel, 'reset');
    return;
  }
  if (result.error.code === 'invalid_token') {
    showOutcome(panel, 'failed', result.error.message);
    return;
  }
  showFormError(form, result.error, result.retryAfterSeconds);
}

const verifyPanel = document.querySelector<HTMLElement>('[data-verify-email]');
if (verifyPanel) void verifyEmail(verifyPanel, takeTokenFromAddress());

const resetRequestForm = document.querySelector<HTMLFormElement>('form[data-reset-request]');
if (resetRequestForm) wireResetRequest(resetRequestForm);

const resetPanel = document.querySelector<HTMLElement>('[data-reset-confirm]');
const resetConfirmForm = resetPanel?.querySelector<HTMLFormElement>('form');
if (resetPanel && resetConfirmForm) wireResetConfirm(resetConfirmForm, resetPanel, takeTokenFromAddress());
