-- PayPal payments: the per-transaction state that makes grants idempotent, the
-- ledger of every notification received, and the webhook events already handled.

CREATE TABLE payments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- PayPal's transaction (capture) id, a refund's own id, or a subscription id (I-...).
  -- UNIQUE is what makes replays and concurrent deliveries of one payment grant once.
  txn_id text NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('payment', 'refund', 'subscription')),
  -- 'pending' until PayPal reports the money as received; a grant happens only on the
  -- move from 'pending' to 'completed', which one transaction at a time can make.
  status text NOT NULL CHECK (status IN ('pending', 'completed', 'failed', 'refunded', 'reversed')),
  parent_txn_id text,
  subscription_id text,
  user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  plan_id text,
  amount text,
  currency text,
  entitlement_id uuid REFERENCES entitlements(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_subscription_id_idx ON payments (subscription_id);
CREATE INDEX payments_user_id_idx ON payments (user_id);

-- Every IPN message and webhook event as received, forged ones included, with the
-- verification result and the action taken. Raw payloads contain payer details.
CREATE TABLE payment_notifications (
  id bigserial PRIMARY KEY,
  source text NOT NULL CHECK (source IN ('ipn', 'webhook')),
  -- txn_id of an IPN message or id of a webhook event, once the payload could be read.
  notification_id text,
  -- txn_type of an IPN message or event_type of a webhook event.
  notification_type text,
  payment_status text,
  raw_payload text NOT NULL,
  verification text NOT NULL CHECK (verification IN ('pending', 'verified', 'invalid', 'unavailable', 'malformed')),
  action text NOT NULL DEFAULT 'none',
  detail text,
  user_id uuid REFERENCES users(id) ON DELETE SET NULL,
  plan_id text,
  amount text,
  currency text,
  ip text,
  received_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz
);
CREATE INDEX payment_notifications_user_id_idx ON payment_notifications (user_id, received_at);
CREATE INDEX payment_notifications_received_at_idx ON payment_notifications (received_at);

-- Webhook event ids already acted on; inserted in the same transaction as the action.
CREATE TABLE paypal_webhook_events (
  event_id text PRIMARY KEY,
  event_type text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now()
);
