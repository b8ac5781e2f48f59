-- AI tutor: a question counter per account per UTC day, and stored conversations.

CREATE TABLE tutor_usage (
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  -- The UTC calendar day the questions were asked on; the daily quota resets when it changes.
  day date NOT NULL,
  used integer NOT NULL DEFAULT 0 CHECK (used >= 0),
  PRIMARY KEY (user_id, day)
);

CREATE TABLE tutor_messages (
  id bigserial PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  -- The lesson the conversation belongs to; '' holds questions asked outside a lesson.
  lesson_id text NOT NULL,
  role text NOT NULL CHECK (role IN ('user', 'assistant')),
  content text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tutor_messages_conversation_idx ON tutor_messages (user_id, lesson_id, id);
