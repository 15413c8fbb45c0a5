/**
 * Pure rules of the account page (SPEC §1): the avatar's initials, a device named from its
 * User-Agent, and whether the account may be deleted now.
 */

/** Up to two letters for the avatar: first and last word of the name, else the email's first. */
export function initialsOf(name: string, email: string): string {
  const words = name
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+/u, ''))
    .filter((w) => w.length > 0);
  const first = (w: string | undefined) => (w ? (Array.from(w)[0] ?? '') : '');
  const letters =
    words.length === 0
      ? first(email)
      : words.length === 1
        ? first(words[0])
        : `${first(words[0])}${first(words[words.length - 1])}`;
  return letters.toLocaleUpperCase() || '?';
}

const browsers: [RegExp, string][] = [
  [/Edg(?:e|A|iOS)?\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/Firefox\/|FxiOS\//, 'Firefox'],
  [/CriOS\/|Chrome\/|Chromium\//, 'Chrome'],
  [/Safari\//, 'Safari'],
  [/curl\//i, 'curl'],
  [/node|undici|axios|python|Go-http-client/i, 'A script'],
];
const systems: [RegExp, string][] = [
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Android/, 'Android'],
  [/CrOS/, 'ChromeOS'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Windows/, 'Windows'],
  [/Linux/, 'Linux'],
];

/** "Chrome on macOS", from a User-Agent; "Unknown device" when there is none to read. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent?.trim()) return 'Unknown device';
  const browser = browsers.find(([re]) => re.test(userAgent))?.[1];
  const system = systems.find(([re]) => re.test(userAgent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? 'Unknown device';
}

/**
 * An account may be deleted unless its person is the only Super Admin of a workspace: that
 * workspace would be left with nobody to run it (SPEC §2). The reason names every such workspace.
 */
export function deletionDecision(soleAdminOf: { name: string }[]): {
  allowed: boolean;
  reason: string | null;
} {
  if (soleAdminOf.length === 0) return { allowed: true, reason: null };
  const names = soleAdminOf.map((w) => `“${w.name}”`);
  const list =
    names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  const them = soleAdminOf.length === 1 ? 'it' : 'each';
  return {
    allowed: false,
    reason: `You are the only Super Admin of ${list}. Make someone else a Super Admin of ${them}, or delete ${soleAdminOf.length === 1 ? 'that workspace' : 'those workspaces'}, first.`,
  };
}
