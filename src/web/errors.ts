/**
 * The one catalogue of errors the web app sends. Each code is stable, has one
 * HTTP status and a plain message; codes are never reused for another meaning.
 */

export interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string>; [extra: string]: unknown };
}

/** An error meant for the client: the handler sends its code, message and extras as they are. */
export class AppError extends Error {
  override name = 'AppError';

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra: { fields?: Record<string, string>; retryAfterSeconds?: number; [key: string]: unknown } = {},
  ) {
    super(message);
  }

  /** Returns the JSON body for this error in the shape every client expects. */
  toBody(): ErrorBody {
    const { retryAfterSeconds: _retryAfterSeconds, ...rest } = this.extra;
    return { error: { code: this.code, message: this.message, ...rest } };
  }
}

export const errors = {
  invalidInput: (fields: Record<string, string>, message = 'Some fields are invalid.') => new AppError(400, 'invalid_input', message, { fields }),
  malformedJson: () => new AppError(400, 'malformed_json', 'The request body is not valid JSON.'),
  invalidToken: () => new AppError(400, 'invalid_token', 'This link is invalid, already used or expired; request a new one.'),
  weakPassword: (problem: string, field = 'password') => new AppError(400, 'weak_password', problem, { fields: { [field]: problem } }),
  messageTooLong: (maxChars: number) => new AppError(400, 'message_too_long', `Your question is longer than ${maxChars} characters; shorten it and ask again.`, { maxChars }),
  unauthenticated: () => new AppError(401, 'unauthenticated', 'Sign in to continue.'),
  invalidCredentials: () => new AppError(401, 'invalid_credentials', 'The email or password is wrong.'),
  wrongPassword: () => new AppError(403, 'wrong_password', 'The current password is wrong.', { fields: { currentPassword: 'The current password is wrong.' } }),
  csrfInvalid: () => new AppError(403, 'csrf_invalid', 'The CSRF token is missing or wrong; reload the page and try again.'),
  planRequired: (requiredPlan: string, planName = requiredPlan) => new AppError(403, 'plan_required', `This lesson needs the ${planName} plan; see /pricing.`, { requiredPlan }),
  notFound: (what = 'The page') => new AppError(404, 'not_found', `${what} was not found.`),
  emailTaken: () => new AppError(409, 'email_taken', 'An account with this email already exists.'),
  usernameTaken: () => new AppError(409, 'username_taken', 'This username is taken; choose another.'),
  runInProgress: () => new AppError(409, 'run_in_progress', 'Your previous run is still going; wait for it to finish.'),
  payloadTooLarge: () => new AppError(413, 'payload_too_large', 'The request body is too large.'),
  codeTooLong: (maxChars: number) => new AppError(413, 'code_too_long', `Your code is longer than ${maxChars} characters; shorten it and run again.`, { maxChars }),
  unsupportedMediaType: () => new AppError(415, 'unsupported_media_type', 'Send the request body as application/json.'),
  rateLimited: (retryAfterSeconds: number) => new AppError(429, 'rate_limited', `Too many requests; try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds }),
  dailyLimitReached: (limit: number, resetsAt: Date, retryAfterSeconds: number) => new AppError(429, 'daily_limit_reached', `You have used all ${limit} tutor questions for today; more are available after midnight UTC.`, { limit, resetsAt: resetsAt.toISOString(), retryAfterSeconds }),
  sandboxUnavailable: () => new AppError(503, 'sandbox_unavailable', 'The code runner is not reachable right now; try again in 10 seconds.', { retryAfterSeconds: 10 }),
  sandboxBusy: (retryAfterSeconds: number) => new AppError(503, 'sandbox_busy', 'Every code runner is busy; try again in a few seconds.', { retryAfterSeconds }),
  rateLimitUnavailable: () => new AppError(503, 'rate_limit_unavailable', 'The rate-limit store is not reachable, so this action is paused; try again in a minute.', { retryAfterSeconds: 30 }),
  tutorNotConfigured: () => new AppError(503, 'tutor_unavailable', 'The tutor is not configured on this server.'),
  tutorUnavailable: () => new AppError(503, 'tutor_unavailable', 'The tutor is not reachable right now; try again in a minute.', { retryAfterSeconds: 30 }),
  tutorBusy: () => new AppError(503, 'tutor_busy', 'The tutor has too many questions right now; try again in a minute.', { retryAfterSeconds: 30 }),
  unknownPlan: (planId: string) => new AppError(400, 'unknown_plan', `No plan has the id ${JSON.stringify(planId)}; GET /api/plans lists the plans.`),
  planNotForSale: (planId: string) => new AppError(400, 'plan_not_for_sale', `The ${planId} plan is free and cannot be bought; choose a paid plan.`),
  invalidNotification: () => new AppError(400, 'invalid_notification', 'The payment notification is not well-formed.'),
  webhookSignatureInvalid: () => new AppError(400, 'webhook_signature_invalid', 'PayPal did not confirm the signature of this webhook event.'),
  paymentsUnavailable: () => new AppError(503, 'payments_unavailable', 'Payments are not configured on this server; ask the operator to set up PayPal.'),
  paymentVerificationUnavailable: () => new AppError(503, 'payment_verification_unavailable', 'PayPal could not be reached to verify this notification; send it again later.', { retryAfterSeconds: 60 }),
  internal: () => new AppError(500, 'internal_error', 'Something went wrong on our side; try again later.'),
} as const;
