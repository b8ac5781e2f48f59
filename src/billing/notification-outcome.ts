/** What handling one payment notification did, as written to the ledger's `action` column. */
export type NotificationAction =
  | 'granted'
  | 'recorded_pending'
  | 'recorded_failed'
  | 'revoked'
  | 'recorded_reversal'
  | 'ended'
  | 'recorded'
  | 'duplicate'
  | 'rejected'
  | 'ignored';

/** The action taken and a plain sentence saying why. */
export interface NotificationOutcome {
  action: NotificationAction;
  detail: string;
}
