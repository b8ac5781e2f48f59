/**
 * Capture of one output stream (stdout or stderr) of a run, capped in bytes so a
 * flood of output never grows the service's memory past `maxOutputBytes`.
 */

const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

/** Bytes of one stream, kept up to a byte limit. */
export class BoundedOutput {
  readonly #maxBytes: number;
  readonly #chunks: Buffer[] = [];
  #keptBytes = 0;
  #overflowed = false;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** True once the stream produced more than the limit. */
  get overflowed(): boolean {
    return this.#overflowed;
  }

  /** Keeps the chunk up to the limit; returns false once the stream passed the limit. */
  append(chunk: Buffer): boolean {
    if (this.#overflowed) return false;

    const roomBytes = this.#maxBytes - this.#keptBytes;
    if (chunk.length > roomBytes) {
      this.#keep(chunk.subarray(0, roomBytes));
      this.#overflowed = true;
      return false;
    }

    this.#keep(chunk);
    return true;
  }

  /** Decodes the kept bytes as UTF-8, dropping a character that the cut split in two. */
  text(): string {
    const bytes = Buffer.concat(this.#chunks, this.#keptBytes);
    const usableBytes = this.#overflowed ? bytes.subarray(0, completeUtf8Length(bytes)) : bytes;
    return utf8Decoder.decode(usableBytes);
  }

  #keep(chunk: Buffer): void {
    if (chunk.length === 0) return;
    // Copy, because the stream may reuse the memory behind a chunk it has handed over.
    this.#chunks.push(Buffer.from(chunk));
    this.#keptBytes += chunk.length;
  }
}

/**
 * Returns the length of the longest prefix of `bytes` that does not end inside a
 * multibyte UTF-8 sequence. Invalid bytes are left for the decoder to replace.
 */
export function completeUtf8Length(bytes: Uint8Array): number {
  const maxLookBack = Math.min(4, bytes.length);

  for (let back = 1; back <= maxLookBack; back++) {
    const byte = bytes[bytes.length - back] ?? 0;
    const isContinuation = (byte & 0b1100_0000) === 0b1000_0000;
    if (isContinuation) continue;

    const sequenceLength = utf8SequenceLength(byte);
    return sequenceLength > back ? bytes.length - back : bytes.length;
  }

  return bytes.length;
}

function utf8SequenceLength(leadByte: number): number {
  if (leadByte >= 0b1111_0000) return 4;
  if (leadByte >= 0b1110_0000) return 3;
  if (leadByte >= 0b1100_0000) return 2;
  return 1;
}
