import type { WebConfig } from '../../config/web-config.js';
import type { RateLimitRule } from '../guards/rate-limits.js';

/** The named rate-limit rules routes declare, sized from configuration. */
export interface RateLimitRules {
  authPerIp: RateLimitRule;
  signInPerAccount: RateLimitRule;
  runPerUser: RateLimitRule;
  runPerIp: RateLimitRule;
  apiPerIp: RateLimitRule;
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
    apiPerIp: { name: 'api-ip', points: 300, durationSeconds: 60 },
    tutorPerUser: { name: 'tutor-user', points: config.tutor.requestsPerMinutePerUser, durationSeconds: 60 },
  };
}
