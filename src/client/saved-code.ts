/** Keeps the learner's code per lesson in this browser, so a reload does not lose their work. */

const KEY_PREFIX = 'learnpython:code:';
/** Code longer than the API accepts is not worth keeping. */
const MAX_SAVED_CHARS = 20_000;
const SAVE_DELAY_MS = 500;

/** Returns the code saved for a lesson, or null when there is none or storage is unavailable. */
export function loadSavedCode(lessonId: string): string | null {
  try {
    return window.localStorage.getItem(KEY_PREFIX + lessonId);
  } catch {
    // Storage can be disabled by the browser or its settings; the editor then starts from the example.
    return null;
  }
}

/** Removes the code saved for a lesson, as when the learner resets the example. */
export function forgetSavedCode(lessonId: string): void {
  try {
    window.localStorage.removeItem(KEY_PREFIX + lessonId);
  } catch {
    // Nothing was saved when storage is unavailable.
  }
}

/** Creates a saver that writes the code shortly after the last change, not on every keystroke. */
export function createCodeSaver(lessonId: string): (code: string) => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return (code) => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (code.length > MAX_SAVED_CHARS) return;
      try {
        window.localStorage.setItem(KEY_PREFIX + lessonId, code);
      } catch {
        // A full or disabled storage only means the code is not kept across reloads.
      }
    }, SAVE_DELAY_MS);
  };
}
