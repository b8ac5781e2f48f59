/** The verification result of one IPN message; only 'verified' lets the app act on it. */
export type IpnVerification =
  | { result: 'verified' }
  | { result: 'invalid' }
  | { result: 'unavailable'; reason: string };

/** Posts IPN messages back to PayPal to learn whether PayPal sent them. */
export interface IpnVerifier {
  verify(rawBody: Buffer): Promise<IpnVerification>;
}

const POSTBACK_PREFIX = Buffer.from('cmd=_notify-validate&', 'ascii');

/**
 * Creates a verifier for PayPal's IPN postback: the message, unchanged byte for
 * byte, prefixed with `cmd=_notify-validate&`. PayPal returns exactly VERIFIED or
 * INVALID. Any other outcome (an error status, another body, a redirect, no
 * response within `timeoutMs`) means the check could not be made, never that it passed.
 */
export function createIpnVerifier(options: { url: URL; timeoutMs: number }): IpnVerifier {
  return {
    async verify(rawBody) {
      let response: Response;
      let text: string;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'LearnPython-IPN-Listener/1' },
          body: Buffer.concat([POSTBACK_PREFIX, rawBody]),
          // A redirect could lead to a host that is not PayPal.
          redirect: 'error',
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        text = await response.text();
      } catch (error) {
        return { result: 'unavailable', reason: describeFetchError(error) };
      }

      if (response.status !== 200) return { result: 'unavailable', reason: `the verifier returned HTTP ${response.status}` };
      if (text === 'VERIFIED') return { result: 'verified' };
      if (text === 'INVALID') return { result: 'invalid' };
      return { result: 'unavailable', reason: 'the verifier returned neither VERIFIED nor INVALID' };
    },
  };
}

/** Describes a failed call to PayPal in a short phrase, without the request body. */
export function describeFetchError(error: unknown): string {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'the call to PayPal timed out';
  const cause = (error as { cause?: { code?: string } } | null)?.cause?.code;
  return cause ? `the call to PayPal failed (${cause})` : 'the call to PayPal failed';
}
