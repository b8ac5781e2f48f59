/**
 * Names the browser and system in a User-Agent header, such as "Firefox on Linux",
 * so a learner can recognise a session. The header is whatever the client sent, so
 * the result is a hint, never evidence.
 */
export function describeDevice(userAgent: string | null | undefined): string {
  if (!userAgent) return 'Unknown device';

  const browser = findFirst(userAgent, BROWSERS);
  const system = findFirst(userAgent, SYSTEMS);
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? 'Unknown device';
}

// Order matters: Edge and Opera headers also contain "Chrome", Chrome's contains "Safari", and iOS's contains "like Mac OS X".
const BROWSERS: ReadonlyArray<[RegExp, string]> = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\b(OPR|Opera)\//, 'Opera'],
  [/\b(Firefox|FxiOS)\//, 'Firefox'],
  [/\b(Chrome|CriOS|Chromium)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/\bcurl\//, 'curl'],
];

const SYSTEMS: ReadonlyArray<[RegExp, string]> = [
  [/\b(iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

function findFirst(userAgent: string, patterns: ReadonlyArray<[RegExp, string]>): string | null {
  for (const [pattern, name] of patterns) {
    if (pattern.test(userAgent)) return name;
  }
  return null;
}
