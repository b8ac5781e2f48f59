/** Site header: turns the Sign out form into `POST /api/auth/logout` with the CSRF header. */
import { postJson } from './api.js';

async function signOut(form: HTMLFormElement): Promise<void> {
  const button = form.querySelector<HTMLButtonElement>('button');
  const errorElement = form.querySelector<HTMLElement>('[data-signout-error]');
  if (button?.disabled) return;
  if (button) button.disabled = true;

  const result = await postJson<unknown>('/api/auth/logout');

  // A 401 means the session has already ended, which is what the learner asked for.
  if (result.ok || result.status === 401) {
    location.assign('/');
    return;
  }

  if (button) button.disabled = false;
  if (errorElement) {
    errorElement.textContent = `Sign out failed: ${result.error.message}`;
    errorElement.hidden = false;
  }
}

for (const form of document.querySelectorAll<HTMLFormElement>('form[data-signout]')) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void signOut(form);
  });
}
