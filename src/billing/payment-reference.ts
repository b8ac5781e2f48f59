import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The reference a checkout puts in PayPal's `custom` (IPN) or `custom_id` (REST)
 * field, which PayPal returns in every notification about the payment. It names the
 * account and plan the payment is for. The buyer can edit the field on its way
 * through the browser, so it carries an HMAC: an edited or invented reference fails
 * verification and credits no account.
 *
 * Layout before base64url: version (1 byte), random id (8), account UUID (16),
 * issue time in Unix seconds (4, big-endian), plan id (UTF-8), then the first
 * 16 bytes of HMAC-SHA256 over everything before it.
 */
const VERSION = 1;
const RANDOM_ID_BYTES = 8;
const USER_ID_BYTES = 16;
const ISSUED_AT_BYTES = 4;
const MAC_BYTES = 16;
const HEADER_BYTES = 1 + RANDOM_ID_BYTES + USER_ID_BYTES + ISSUED_AT_BYTES;
/** PayPal's REST `custom_id` accepts at most 127 characters, the shortest limit of the fields that carry the reference. */
export const MAX_REFERENCE_CHARS = 127;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PLAN_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Contents of a verified reference. */
export interface PaymentReference {
  /** Random id that distinguishes two checkouts of one account. */
  checkoutId: string;
  userId: string;
  planId: string;
  issuedAt: Date;
}

/** Builds a signed reference for `userId` buying `planId`. */
export function createPaymentReference(key: Buffer, input: { userId: string; planId: string; now?: Date }): string {
  if (!UUID_PATTERN.test(input.userId)) throw new Error('the account id is not a UUID');
  if (!PLAN_ID_PATTERN.test(input.planId)) throw new Error(`the plan id ${JSON.stringify(input.planId)} is not a slug`);

  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt8(VERSION, 0);
  randomBytes(RANDOM_ID_BYTES).copy(header, 1);
  Buffer.from(input.userId.replaceAll('-', ''), 'hex').copy(header, 1 + RANDOM_ID_BYTES);
  header.writeUInt32BE(Math.floor((input.now ?? new Date()).getTime() / 1000), 1 + RANDOM_ID_BYTES + USER_ID_BYTES);

  const body = Buffer.concat([header, Buffer.from(input.planId, 'utf8')]);
  const reference = Buffer.concat([body, computeMac(key, body)]).toString('base64url');
  if (reference.length > MAX_REFERENCE_CHARS) throw new Error(`the plan id ${input.planId} is too long for a payment reference`);
  return reference;
}

/** Returns the contents of the reference, or null when it is malformed or its HMAC does not match. */
export function verifyPaymentReference(key: Buffer, reference: string | undefined | null): PaymentReference | null {
  if (typeof reference !== 'string' || reference.length === 0 || reference.length > MAX_REFERENCE_CHARS) return null;
  if (!/^[A-Za-z0-9_-]+$/.test(reference)) return null;

  const bytes = Buffer.from(reference, 'base64url');
  // Decoding ignores stray trailing bits; requiring the canonical spelling keeps one reference to one string.
  if (bytes.toString('base64url') !== reference) return null;
  if (bytes.length <= HEADER_BYTES + MAC_BYTES) return null;
  const body = bytes.subarray(0, bytes.length - MAC_BYTES);
  const mac = bytes.subarray(bytes.length - MAC_BYTES);
  if (!timingSafeEqual(mac, computeMac(key, body))) return null;
  if (body.readUInt8(0) !== VERSION) return null;

  const planId = body.subarray(HEADER_BYTES).toString('utf8');
  if (!PLAN_ID_PATTERN.test(planId)) return null;
  return {
    checkoutId: body.subarray(1, 1 + RANDOM_ID_BYTES).toString('hex'),
    userId: formatUuid(body.subarray(1 + RANDOM_ID_BYTES, 1 + RANDOM_ID_BYTES + USER_ID_BYTES).toString('hex')),
    planId,
    issuedAt: new Date(body.readUInt32BE(1 + RANDOM_ID_BYTES + USER_ID_BYTES) * 1000),
  };
}

function computeMac(key: Buffer, body: Buffer): Buffer {
  return createHmac('sha256', key).update(body).digest().subarray(0, MAC_BYTES);
}

function formatUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
