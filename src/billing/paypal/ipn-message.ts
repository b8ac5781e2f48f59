/**
 * Reading an IPN message. PayPal posts `application/x-www-form-urlencoded` in the
 * charset named by the message's own `charset` field (windows-1252 unless the
 * account chose another), so values are percent-decoded to bytes first and then
 * decoded in that charset. The raw bytes are kept apart for the verification
 * postback, which must repeat them unchanged.
 */

/** PayPal's default when a message names no charset. */
const DEFAULT_CHARSET = 'windows-1252';
const MAX_FIELDS = 200;

/** The fields of an IPN message by name. */
export type IpnFields = ReadonlyMap<string, string>;

/**
 * Parses a raw IPN body. Returns null when it is not well-formed form data: an
 * invalid percent escape, too many fields, or a field name given twice, since
 * duplicates would leave open which value PayPal verified.
 */
export function parseIpnBody(raw: Buffer): IpnFields | null {
  const text = raw.toString('latin1');
  if (text.length === 0) return null;

  const pairs: Array<[Uint8Array, Uint8Array]> = [];
  for (const part of text.split('&')) {
    if (part === '') continue;
    const separator = part.indexOf('=');
    const name = percentDecode(separator === -1 ? part : part.slice(0, separator));
    const value = percentDecode(separator === -1 ? '' : part.slice(separator + 1));
    if (!name || !value) return null;
    pairs.push([name, value]);
  }
  if (pairs.length === 0 || pairs.length > MAX_FIELDS) return null;

  const charsetPair = pairs.find(([name]) => Buffer.from(name).toString('latin1') === 'charset');
  const decoder = createDecoder(charsetPair ? Buffer.from(charsetPair[1]).toString('latin1') : DEFAULT_CHARSET);
  const fields = new Map<string, string>();
  for (const [name, value] of pairs) {
    const key = decoder.decode(name);
    if (fields.has(key)) return null;
    fields.set(key, decoder.decode(value));
  }
  return fields;
}

/** True when every byte is printable ASCII, as PayPal's URL-encoded bodies are. */
export function isPrintableAscii(raw: Buffer): boolean {
  for (const byte of raw) {
    if (byte < 0x20 || byte > 0x7e) return false;
  }
  return true;
}

function percentDecode(text: string): Uint8Array | null {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (char === 0x2b) {
      bytes.push(0x20);
    } else if (char === 0x25) {
      const hex = text.slice(index + 1, index + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return null;
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(char);
    }
  }
  return Uint8Array.from(bytes);
}

function createDecoder(charset: string): TextDecoder {
  try {
    return new TextDecoder(charset.trim().toLowerCase());
  } catch {
    // An unknown label: the fields this app reads (ids, amounts, emails) are ASCII in every charset PayPal uses.
    return new TextDecoder(DEFAULT_CHARSET);
  }
}
