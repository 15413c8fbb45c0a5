import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every file under src/ but the gate and the places that build actors. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

const root = new URL('../', import.meta.url).pathname;
const allowed = new Set([
  'app/gate.ts',
  'app/actor.ts',
  // Builds actors from credentials.
  'http/authenticate.ts',
  // The credential rules themselves.
  'domain/credentials.ts',
]);

describe('the one access gate', () => {
  it('is the only code that reads where a credential may act', () => {
    const offenders = sources(root)
      .map((p) => p.slice(root.length))
      .filter((p) => !allowed.has(p))
      .filter((p) =>
        /\.(credential|memberRole)\b|credential\.kind|keyWorkspaceId/.test(
          readFileSync(join(root, p), 'utf8'),
        ),
      );
    expect(offenders).toEqual([]);
  });
});
