/** Failures of the tutor domain; the web layer maps each onto the error catalogue. */

/** No API key is configured, so the tutor is switched off. */
export class TutorNotConfiguredError extends Error {
  override name = 'TutorNotConfiguredError';

  constructor() {
    super('the tutor has no API key configured');
  }
}

/** The account has used every question its plan allows today. */
export class DailyLimitReachedError extends Error {
  override name = 'DailyLimitReachedError';

  constructor(readonly limit: number, readonly resetsAt: Date) {
    super(`daily tutor limit of ${limit} reached`);
  }
}

/**
 * The upstream API failed. `kind` is 'busy' when it rate-limited us (HTTP 429) and
 * 'unavailable' for everything else. The message is ours and safe to log; the
 * upstream's own message is kept out because it can echo part of the API key.
 */
export class TutorUpstreamError extends Error {
  override name = 'TutorUpstreamError';

  constructor(
    readonly kind: 'unavailable' | 'busy',
    message: string,
    /** HTTP status the upstream returned, or undefined for connection failures and timeouts. */
    readonly upstreamStatus?: number,
  ) {
    super(message);
  }
}

/** The caller aborted the request, such as a learner who pressed Stop or closed the page. */
export class TutorAbortedError extends Error {
  override name = 'TutorAbortedError';

  constructor() {
    super('the tutor request was aborted by the caller');
  }
}
