import { hash, verify } from '@node-rs/argon2';
import { argon2Options } from './auth.ts';

/** Share Page passwords: argon2id with the same parameters as account passwords (infra/auth.ts). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, argon2Options);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/**
 * A hash of nothing anyone knows: checked against when there is no stored hash, so a wrong
 * password costs the same time whether or not the video exists or has a password.
 */
let decoy: Promise<string> | null = null;
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoy ??= hash(`decoy-${Math.random()}`, argon2Options);
  await verifyPassword(await decoy, password);
  return false;
}
