/** Actions that handling a payment notification can take, as written to the ledger's `action` column. */
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

/** The action taken and a plain sentence giving the reason. */
export interface NotificationOutcome {
  action: NotificationAction;
  detail: string;
  /** The account the action concerned, when the action found it through an earlier payment. */
  userId?: string | null;
}
