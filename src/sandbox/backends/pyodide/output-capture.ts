/**
 * Capture of a run's stdout or stderr in the parent, cut at `maxOutputBytes`.
 * The child already stops at that cap, and this cap applies even if it does not.
 */

const utf8 = new TextDecoder('utf-8');

/** Bytes of one stream, kept up to a byte limit. */
export class OutputCapture {
  readonly #maxBytes: number;
  readonly #chunks: Buffer[] = [];
  #keptBytes = 0;
  #cut = false;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** True once more bytes arrived than the limit allows. */
  get cut(): boolean {
    return this.#cut;
  }

  /** Keeps `bytes` up to the limit; returns false when some of them were dropped. */
  append(bytes: Buffer): boolean {
    const roomBytes = this.#maxBytes - this.#keptBytes;
    const accepted = bytes.length > roomBytes ? bytes.subarray(0, roomBytes) : bytes;
    if (accepted.length > 0) {
      this.#chunks.push(accepted);
      this.#keptBytes += accepted.length;
    }
    if (accepted.length < bytes.length) this.#cut = true;
    return !this.#cut;
  }

  /**
   * Decodes the kept bytes. When the output was cut, here or by the child, a
   * character split by the cut is dropped rather than shown as U+FFFD.
   */
  text(wasCut: boolean): string {
    const bytes = Buffer.concat(this.#chunks, this.#keptBytes);
    const usableBytes = wasCut ? completeUtf8Length(bytes) : bytes.length;
    return utf8.decode(bytes.subarray(0, usableBytes));
  }
}

/** Returns the length of the longest prefix of `bytes` that does not end inside a UTF-8 sequence. */
function completeUtf8Length(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(4, bytes.length); back++) {
    const byte = bytes[bytes.length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue;

    return utf8SequenceLength(byte) > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

function utf8SequenceLength(leadByte: number): number {
  if (leadByte >= 0xf0) return 4;
  if (leadByte >= 0xe0) return 3;
  if (leadByte >= 0xc0) return 2;
  return 1;
}
