import { EventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message as the SMTP peer received it, with its text body decoded. */
export interface ReceivedMail {
  /** Envelope recipients (RCPT TO). */
  recipients: string[];
  subject: string;
  text: string;
  raw: string;
}

/** A real SMTP server on 127.0.0.1 that accepts every message and keeps it for the test. */
export interface SmtpPeer {
  /** `smtp://127.0.0.1:<port>` for SMTP_URL. */
  url: string;
  messages: ReceivedMail[];
  /** Resolves with the first message (already received or still to come) for which `matches` is true. */
  waitForMail(matches: (mail: ReceivedMail) => boolean): Promise<ReceivedMail>;
  close(): Promise<void>;
}

/** Maximum wait for an expected message before the test fails with a clear reason. */
const MAIL_WAIT_LIMIT_MS = 15_000;

/** Starts the peer on a free loopback port, without TLS or authentication. */
export async function startSmtpPeer(): Promise<SmtpPeer> {
  const messages: ReceivedMail[] = [];
  const arrivals = new EventEmitter();

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail = { recipients: session.envelope.rcptTo.map((recipient) => recipient.address), ...parseMessage(raw), raw };
        messages.push(mail);
        arrivals.emit('mail', mail);
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitForMail: (matches) => waitForMail(messages, arrivals, matches),
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); }),
  };
}

async function waitForMail(messages: ReceivedMail[], arrivals: EventEmitter, matches: (mail: ReceivedMail) => boolean): Promise<ReceivedMail> {
  const found = messages.find(matches);
  if (found) return found;

  return new Promise((resolve, reject) => {
    const onMail = (mail: ReceivedMail): void => {
      if (!matches(mail)) return;
      clearTimeout(timer);
      arrivals.off('mail', onMail);
      resolve(mail);
    };
    const timer = setTimeout(() => {
      arrivals.off('mail', onMail);
      reject(new Error(`no matching mail arrived within ${MAIL_WAIT_LIMIT_MS} ms; received subjects: ${messages.map((mail) => mail.subject).join(' | ') || 'none'}`));
    }, MAIL_WAIT_LIMIT_MS);
    arrivals.on('mail', onMail);
  });
}

/** Splits a single-part message into its subject and decoded body (7bit, quoted-printable or base64). */
function parseMessage(raw: string): { subject: string; text: string } {
  const separator = raw.indexOf('\r\n\r\n');
  const headerBlock = raw.slice(0, separator).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(separator + 4);
  const header = (name: string): string => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(headerBlock)?.[1]?.trim() ?? '';

  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  let text = body;
  if (encoding === 'quoted-printable') text = decodeQuotedPrintable(body);
  if (encoding === 'base64') text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return { subject: header('Subject'), text: text.replace(/\r\n/g, '\n') };
}

function decodeQuotedPrintable(body: string): string {
  const joined = body.replace(/=\r\n/g, '');
  const bytes = Buffer.from(joined.replace(/=([0-9A-F]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
  return bytes.toString('utf8');
}

/** Reads the token from a mailed link (`...#token=<token>`). */
export function tokenFromMail(mail: ReceivedMail): string {
  const match = /#token=([A-Za-z0-9_-]+)/.exec(mail.text);
  if (!match) throw new Error(`the mail "${mail.subject}" contains no link with a token:\n${mail.text}`);
  return match[1]!;
}

/** Reads the first link from a mail's text. */
export function linkFromMail(mail: ReceivedMail): URL {
  const match = /https?:\/\/\S+/.exec(mail.text);
  if (!match) throw new Error(`the mail "${mail.subject}" contains no link:\n${mail.text}`);
  return new URL(match[0]);
}
