/**
 * A route's credentials as the OpenAPI document states them (`schema.security`), where they differ
 * from the document's default (a session cookie or an API key: src/http/server.ts).
 * test/access-matrix.test.ts holds every documented route's to what the gate does for it.
 */

/** Anyone may call it (signing up and in, previews of invitation and join links, public pages). */
export const NO_CREDENTIAL: [] = [];

/** A person signed in: API keys are refused (the account, creating workspaces and keys, joining). */
export const SESSION_ONLY = [{ session: [] }];
