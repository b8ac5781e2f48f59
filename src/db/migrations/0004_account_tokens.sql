-- Single-use account tokens (email verification, email change, password reset) and
-- public ids for sessions.

CREATE TABLE account_tokens (
  -- SHA-256 of the token sent by mail: a database dump does not yield usable links.
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose text NOT NULL CHECK (purpose IN ('verify_email', 'change_email', 'password_reset')),
  -- The address the link was sent to; a verification applies only to this address.
  email text NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_tokens_user_id_idx ON account_tokens (user_id, purpose);

-- The id the account page shows and revokes sessions by. The key of a session is
-- the hash of its cookie, which must never leave the server.
ALTER TABLE sessions ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX sessions_public_id_idx ON sessions (public_id);
