/** Drizzle table definitions; they mirror the SQL migrations in ./migrations. */
import { bigserial, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

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

export const schema = { users, sessions, entitlements, taskProgress, auditEvents };
