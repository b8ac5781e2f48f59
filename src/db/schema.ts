/** Drizzle table definitions; they mirror the SQL migrations in ./migrations. */
import { bigserial, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const timestampTz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email').notNull().unique(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  emailVerifiedAt: timestampTz('email_verified_at'),
  createdAt: timestampTz('created_at').notNull().defaultNow(),
  updatedAt: timestampTz('updated_at').notNull().defaultNow(),
});

export const sessions = pgTable('sessions', {
  idHash: text('id_hash').primaryKey(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: timestampTz('created_at').notNull().defaultNow(),
  lastSeenAt: timestampTz('last_seen_at').notNull().defaultNow(),
  expiresAt: timestampTz('expires_at').notNull(),
  revokedAt: timestampTz('revoked_at'),
  ip: text('ip'),
  userAgent: text('user_agent'),
  publicId: uuid('public_id').notNull().defaultRandom().unique('sessions_public_id_idx'),
});

export const entitlements = pgTable('entitlements', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  planId: text('plan_id').notNull(),
  source: text('source', { enum: ['paypal', 'admin'] }).notNull(),
  startsAt: timestampTz('starts_at').notNull().defaultNow(),
  endsAt: timestampTz('ends_at'),
  revokedAt: timestampTz('revoked_at'),
  createdAt: timestampTz('created_at').notNull().defaultNow(),
});

export const taskProgress = pgTable('task_progress', {
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  lessonId: text('lesson_id').notNull(),
  taskId: text('task_id').notNull(),
  passedAt: timestampTz('passed_at').notNull().defaultNow(),
}, (table) => [primaryKey({ columns: [table.userId, table.lessonId, table.taskId] })]);

export const auditEvents = pgTable('audit_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
  type: text('type').notNull(),
  ip: text('ip'),
  details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: timestampTz('created_at').notNull().defaultNow(),
});

/** Tutor questions counted per account per UTC day (`day` as YYYY-MM-DD). */
export const tutorUsage = pgTable('tutor_usage', {
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  day: date('day', { mode: 'string' }).notNull(),
  used: integer('used').notNull().default(0),
}, (table) => [primaryKey({ columns: [table.userId, table.day] })]);

/** Tutor conversations: one row per question or answer; `lessonId` is '' outside a lesson. */
export const tutorMessages = pgTable('tutor_messages', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  lessonId: text('lesson_id').notNull(),
  role: text('role', { enum: ['user', 'assistant'] }).notNull(),
  content: text('content').notNull(),
  createdAt: timestampTz('created_at').notNull().defaultNow(),
});

/** PayPal transactions by id; the status moves from 'pending' to 'completed' once, which grants once. */
export const payments = pgTable('payments', {
  id: uuid('id').primaryKey().defaultRandom(),
  txnId: text('txn_id').notNull().unique(),
  kind: text('kind', { enum: ['payment', 'refund', 'subscription'] }).notNull(),
  status: text('status', { enum: ['pending', 'completed', 'failed', 'refunded', 'reversed'] }).notNull(),
  parentTxnId: text('parent_txn_id'),
  subscriptionId: text('subscription_id'),
  userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
  planId: text('plan_id'),
  amount: text('amount'),
  currency: text('currency'),
  entitlementId: uuid('entitlement_id').references(() => entitlements.id, { onDelete: 'set null' }),
  createdAt: timestampTz('created_at').notNull().defaultNow(),
  updatedAt: timestampTz('updated_at').notNull().defaultNow(),
});

/** The payments ledger: every IPN message and webhook event received, with its verification and the action taken. */
export const paymentNotifications = pgTable('payment_notifications', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  source: text('source', { enum: ['ipn', 'webhook'] }).notNull(),
  notificationId: text('notification_id'),
  notificationType: text('notification_type'),
  paymentStatus: text('payment_status'),
  rawPayload: text('raw_payload').notNull(),
  verification: text('verification', { enum: ['pending', 'verified', 'invalid', 'unavailable', 'malformed'] }).notNull(),
  action: text('action').notNull().default('none'),
  detail: text('detail'),
  userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
  planId: text('plan_id'),
  amount: text('amount'),
  currency: text('currency'),
  ip: text('ip'),
  receivedAt: timestampTz('received_at').notNull().defaultNow(),
  processedAt: timestampTz('processed_at'),
});

/** Webhook event ids already acted on. */
export const paypalWebhookEvents = pgTable('paypal_webhook_events', {
  eventId: text('event_id').primaryKey(),
  eventType: text('event_type').notNull(),
  processedAt: timestampTz('processed_at').notNull().defaultNow(),
});

/** Single-use mailed tokens, stored as SHA-256 hashes; `email` is the address the link was sent to. */
export const accountTokens = pgTable('account_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  purpose: text('purpose', { enum: ['verify_email', 'change_email', 'password_reset'] }).notNull(),
  email: text('email').notNull(),
  expiresAt: timestampTz('expires_at').notNull(),
  usedAt: timestampTz('used_at'),
  createdAt: timestampTz('created_at').notNull().defaultNow(),
}, (table) => [index('account_tokens_user_id_idx').on(table.userId, table.purpose)]);

export const schema = { users, sessions, entitlements, taskProgress, auditEvents, accountTokens };
