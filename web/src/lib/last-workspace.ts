/** Remembers the workspace a user last opened (per user, per browser) so `/` can return there. */
const key = (userId: string) => `troupe:last-workspace:${userId}`;

export function getLastWorkspace(userId: string): string | null {
  try {
    return localStorage.getItem(key(userId));
  } catch {
    return null;
  }
}

export function setLastWorkspace(userId: string, workspaceId: string): void {
  try {
    localStorage.setItem(key(userId), workspaceId);
  } catch {
    // Private mode or storage full: remembering is a nicety, not a requirement.
  }
}

export function forgetLastWorkspace(userId: string, workspaceId?: string): void {
  try {
    if (!workspaceId || localStorage.getItem(key(userId)) === workspaceId)
      localStorage.removeItem(key(userId));
  } catch {
    // ignore
  }
}
