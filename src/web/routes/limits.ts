import type { WebConfig } from '../../config/web-config.js';
import type { RateLimitRule } from '../guards/rate-limits.js';

/** The named rate-limit rules routes declare, sized from configuration. */
export interface RateLimitRules {
  authPerIp: RateLimitRule;
  signInPerAccount: RateLimitRule;
  runPerUser: RateLimitRule;
  runPerIp: RateLimitRule;
  apiPerIp: RateLimitRule;
  /** Password-reset requests per client address and per email asked about. */
  passwordResetPerIp: RateLimitRule;
  passwordResetPerEmail: RateLimitRule;
  /** Uses of mailed tokens (verification, reset confirmation) per client address. */
  accountTokenPerIp: RateLimitRule;
  verificationMailPerUser: RateLimitRule;
  /** Account changes that check the current password: password, email, deletion. */
  accountChangePerUser: RateLimitRule;
  accountExportPerUser: RateLimitRule;
  tutorPerUser: RateLimitRule;
}

/** Builds the rate-limit rules from configuration. */
export function buildRateLimitRules(config: Pick<WebConfig, 'authAttemptsPerMinutePerIp' | 'runsPerMinutePerUser' | 'runsPerMinutePerIp' | 'tutor'>): RateLimitRules {
  return {
    authPerIp: { name: 'auth-ip', points: config.authAttemptsPerMinutePerIp, durationSeconds: 60 },
    // Guessing one account's password from many addresses is throttled by the account key.
    signInPerAccount: { name: 'sign-in-account', points: 10, durationSeconds: 15 * 60 },
    runPerUser: { name: 'run-user', points: config.runsPerMinutePerUser, durationSeconds: 60 },
    runPerIp: { name: 'run-ip', points: config.runsPerMinutePerIp, durationSeconds: 60 },
    // Reading lessons and one's account keeps working while Redis is down.
    apiPerIp: { name: 'api-ip', points: 300, durationSeconds: 60, store: 'local' },
    // Each reset request may send a mail: these bound mail sent to one mailbox and from one address.
    passwordResetPerIp: { name: 'reset-ip', points: 10, durationSeconds: 60 * 60 },
    passwordResetPerEmail: { name: 'reset-email', points: 3, durationSeconds: 60 * 60 },
    // Tokens cannot be guessed; the limit bounds the Argon2id hashing a reset confirmation costs.
    accountTokenPerIp: { name: 'account-token-ip', points: 20, durationSeconds: 15 * 60 },
    verificationMailPerUser: { name: 'verification-mail-user', points: 3, durationSeconds: 60 * 60 },
    // A stolen session may try current passwords here; this bounds the guesses as sign-in does.
    accountChangePerUser: { name: 'account-change-user', points: 10, durationSeconds: 15 * 60 },
    accountExportPerUser: { name: 'account-export-user', points: 5, durationSeconds: 60 * 60 },
    tutorPerUser: { name: 'tutor-user', points: config.tutor.requestsPerMinutePerUser, durationSeconds: 60 },
  };
}
