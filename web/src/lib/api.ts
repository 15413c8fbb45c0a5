/**
 * Typed fetch client for the Troupe API (same origin, cookie session).
 *
 * Every failure is thrown as an `ApiError` built from the server's RFC 9457 problem+json body,
 * so components can show `detail` and put per-field `errors` next to the matching inputs.
 */
import type { z } from 'zod';
import {
  type AcceptResult,
  type Account,
  type ApiKey,
  type ApiKeyList,
  type AuditAction,
  type AuditPage,
  type AuthUser,
  type Billing,
  type CaptionTrack,
  type CaptionTrackBody,
  type CaptionTrackList,
  type ChangePasswordBody,
  type CompanyDomainOptions,
  type CreateApiKeyBody,
  type CreatedApiKey,
  type CreateItemBody,
  type CreateWorkspaceBody,
  type DeleteAccountBody,
  type DeleteWorkspaceBody,
  type ErrorCode,
  errorCodes,
  type FieldIssue,
  type GeneralAccess,
  type Invitation,
  type InvitationPreview,
  type InviteBody,
  type InviteLink,
  type InviteResult,
  type Item,
  type ItemAccess,
  type ItemList,
  type JoinLinkPreview,
  type JoinRequest,
  type JoinRequestList,
  type JoinResult,
  type MarkReadBody,
  type MarkReadResult,
  type Me,
  type MemberRow,
  type MembersPage,
  type NotificationList,
  type Permission,
  type Problem,
  type RequestPasswordResetBody,
  type ResetPasswordBody,
  type Role,
  type SendVerificationBody,
  type Session,
  type SessionList,
  type SharePage,
  type SignInBody,
  type SignUpBody,
  type SuggestionList,
  type TrashList,
  type UpdateAccountBody,
  type UpdateInviteLinkBody,
  type UpdateSharePageBody,
  type UpdateWorkspaceBody,
  type VideoFile,
  type VideoFileResponse,
  type Workspace,
  type WorkspaceList,
} from '../../../src/contract/index.ts';

/** Error codes the client itself produces, on top of the server's closed `ErrorCode` union. */
export type ClientErrorCode = 'network' | 'unknown';

export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | ClientErrorCode;
  readonly detail: string;
  readonly fieldErrors: Record<string, string>;
  /** Every field issue the server sent (several may share a field, e.g. each bad invite address). */
  readonly issues: FieldIssue[];
  readonly requestId: string | undefined;

  constructor(init: {
    status: number;
    code: ErrorCode | ClientErrorCode;
    detail: string;
    title?: string;
    errors?: FieldIssue[];
    requestId?: string;
  }) {
    super(init.detail);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.requestId = init.requestId;
    this.fieldErrors = {};
    this.issues = init.errors ?? [];
    for (const issue of init.errors ?? []) {
      const field = fieldName(issue.path);
      if (field && !(field in this.fieldErrors)) this.fieldErrors[field] = issue.message;
    }
  }

  /** True when the caller is signed out (or the session expired). */
  get isUnauthenticated(): boolean {
    return this.status === 401;
  }
}

/** `body.name`, `/name`, `name` and `["name"]`-style paths all map to the form field `name`. */
function fieldName(path: string | undefined): string {
  if (!path) return '';
  const parts = String(path)
    .split(/[./[\]]+/)
    .filter(Boolean);
  return parts[parts.length - 1] ?? '';
}

/** Better Auth's native error codes, in case one reaches us without being mapped to a problem. */
const betterAuthCodes: Record<string, ErrorCode> = {
  USER_ALREADY_EXISTS: 'email_taken',
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: 'email_taken',
  INVALID_EMAIL_OR_PASSWORD: 'invalid_credentials',
  INVALID_PASSWORD: 'invalid_credentials',
  EMAIL_NOT_VERIFIED: 'email_not_verified',
  PASSWORD_TOO_SHORT: 'validation',
  PASSWORD_TOO_LONG: 'validation',
  INVALID_EMAIL: 'validation',
  INVALID_TOKEN: 'validation',
};

function isErrorCode(code: string): code is ErrorCode {
  return (errorCodes as readonly string[]).includes(code);
}

const statusCodes: Record<number, ErrorCode> = {
  400: 'validation',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

const fallbackDetail: Record<number, string> = {
  401: 'Please sign in to continue.',
  403: "You don't have permission to do that.",
  404: "We couldn't find what you were looking for.",
  429: 'Too many attempts. Please wait a moment and try again.',
};

async function toApiError(res: Response): Promise<ApiError> {
  let body: Partial<Problem> & { message?: string; code?: string } = {};
  try {
    const text = await res.text();
    if (text) body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy error page, say): fall back to the status below.
  }
  const rawCode = typeof body.code === 'string' ? body.code : '';
  const code: ErrorCode | ClientErrorCode =
    betterAuthCodes[rawCode] ??
    (isErrorCode(rawCode) ? rawCode : undefined) ??
    statusCodes[res.status] ??
    (res.status >= 500 ? 'internal' : 'unknown');
  const detail =
    body.detail ||
    body.message ||
    body.title ||
    fallbackDetail[res.status] ||
    (res.status >= 500
      ? 'Something went wrong on our side. Please try again.'
      : `Request failed (${res.status}${res.statusText ? ` ${res.statusText}` : ''}).`);
  return new ApiError({
    status: res.status,
    code,
    detail,
    errors: Array.isArray(body.errors) ? body.errors : undefined,
    requestId: body.requestId,
  });
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body ?? {});
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError({
      status: 0,
      code: 'network',
      detail: "Can't reach Troupe. Check your connection and try again.",
    });
  }
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** What sign-up / sign-in answer (Better Auth): the account, and a session token we don't need. */
export interface AuthResult {
  user: z.infer<typeof AuthUser>;
  token?: string | null;
}
type Body<S extends z.ZodType> = z.input<S>;

/** Where the server sends the browser after the email links (see the routes in router.tsx). */
export const VERIFIED_PATH = '/verified';
export const RESET_PASSWORD_PATH = '/reset-password';

export const DEV_MAILBOX_URL = '/dev/mailbox';

const ws = (id: string) => `/api/workspaces/${encodeURIComponent(id)}`;
const item = (id: string) => `/api/items/${encodeURIComponent(id)}`;

/** Which items a library listing shows: the root (no `parentId`), a folder, or "shared with me". */
export interface ItemListParams {
  parentId?: string | null;
  view?: 'folder' | 'shared' | 'mine';
  sort?: 'name' | 'date';
  cursor?: string | null;
  limit?: number;
}

/** Builds `?a=1&b=2` from the defined, non-empty values (or '' when there are none). */
function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const api = {
  auth: {
    /** `callbackURL`: where the verification link lands (a path on this site; default /verified). */
    signUp: (body: Omit<Body<typeof SignUpBody>, 'callbackURL'>, callbackURL: string = VERIFIED_PATH) =>
      request<AuthResult>('POST', '/api/auth/sign-up/email', { ...body, callbackURL }),
    signIn: (body: Body<typeof SignInBody>) => request<AuthResult>('POST', '/api/auth/sign-in/email', body),
    signOut: () => request<unknown>('POST', '/api/auth/sign-out', {}),
    sendVerificationEmail: (email: string, callbackURL: string = VERIFIED_PATH) => {
      const body: Body<typeof SendVerificationBody> = { email, callbackURL };
      return request<unknown>('POST', '/api/auth/send-verification-email', body);
    },
    requestPasswordReset: (email: string) => {
      const body: Body<typeof RequestPasswordResetBody> = { email, redirectTo: RESET_PASSWORD_PATH };
      return request<unknown>('POST', '/api/auth/request-password-reset', body);
    },
    resetPassword: (body: Body<typeof ResetPasswordBody>) =>
      request<unknown>('POST', '/api/auth/reset-password', body),
  },
  /**
   * Who is signed in. Asks `/api/session`, which answers 200 `{me: null}` when nobody is, so a
   * signed-out page logs no failed request; nobody signed in is still thrown as a 401 ApiError.
   */
  me: async (): Promise<Me> => {
    const { me } = await request<Session>('GET', '/api/session');
    if (!me)
      throw new ApiError({ status: 401, code: 'unauthenticated', detail: 'Please sign in to continue.' });
    return me;
  },
  account: {
    get: () => request<Account>('GET', '/api/account'),
    update: (body: Body<typeof UpdateAccountBody>) => request<Account>('PATCH', '/api/account', body),
    sessions: () => request<SessionList>('GET', '/api/account/sessions'),
    revokeSession: (id: string) => request<void>('DELETE', `/api/account/sessions/${encodeURIComponent(id)}`),
    revokeOtherSessions: () =>
      request<{ revoked: number }>('POST', '/api/account/sessions/revoke-others', {}),
    changePassword: (body: Body<typeof ChangePasswordBody>) =>
      request<{ signedOutSessions: number }>('POST', '/api/account/password', body),
    delete: (body: Body<typeof DeleteAccountBody>) => request<void>('DELETE', '/api/account', body),
  },
  workspaces: {
    list: (cursor?: string | null) =>
      request<WorkspaceList>(
        'GET',
        cursor ? `/api/workspaces?cursor=${encodeURIComponent(cursor)}` : '/api/workspaces',
      ),
    get: (id: string) => request<Workspace>('GET', ws(id)),
    create: (body: CreateWorkspaceBody) => request<Workspace>('POST', '/api/workspaces', body),
    update: (id: string, body: UpdateWorkspaceBody) => request<Workspace>('PATCH', ws(id), body),
    remove: (id: string, body: DeleteWorkspaceBody) => request<void>('DELETE', ws(id), body),
    companyDomains: (id: string) => request<CompanyDomainOptions>('GET', `${ws(id)}/company-domains`),
  },
  members: {
    list: (wsId: string, params: { q?: string; cursor?: string | null; limit?: number } = {}) =>
      request<MembersPage>('GET', `${ws(wsId)}/members${query(params)}`),
    setRole: (wsId: string, userId: string, role: Role) =>
      request<MemberRow>('PATCH', `${ws(wsId)}/members/${encodeURIComponent(userId)}`, { role }),
    /** Removes a member; with your own id, leaves the workspace. */
    remove: (wsId: string, userId: string) =>
      request<void>('DELETE', `${ws(wsId)}/members/${encodeURIComponent(userId)}`),
  },
  invitations: {
    create: (wsId: string, body: z.input<typeof InviteBody>) =>
      request<InviteResult>('POST', `${ws(wsId)}/invitations`, body),
    resend: (wsId: string, id: string) =>
      request<z.infer<typeof Invitation>>('POST', `${ws(wsId)}/invitations/${encodeURIComponent(id)}/resend`),
    revoke: (wsId: string, id: string) =>
      request<void>('DELETE', `${ws(wsId)}/invitations/${encodeURIComponent(id)}`),
    preview: (token: string) =>
      request<InvitationPreview>('GET', `/api/invitations/${encodeURIComponent(token)}`),
    accept: (token: string) =>
      request<z.infer<typeof AcceptResult>>('POST', `/api/invitations/${encodeURIComponent(token)}/accept`),
  },
  inviteLink: {
    get: (wsId: string) => request<InviteLink>('GET', `${ws(wsId)}/invite-link`),
    update: (wsId: string, body: UpdateInviteLinkBody) =>
      request<InviteLink>('PATCH', `${ws(wsId)}/invite-link`, body),
    rotate: (wsId: string) => request<InviteLink>('POST', `${ws(wsId)}/invite-link/rotate`),
    preview: (token: string) => request<JoinLinkPreview>('GET', `/api/join/${encodeURIComponent(token)}`),
    join: (token: string) => request<JoinResult>('POST', `/api/join/${encodeURIComponent(token)}`),
  },
  joinRequests: {
    list: (wsId: string, cursor?: string | null) =>
      request<JoinRequestList>('GET', `${ws(wsId)}/join-requests${query({ cursor })}`),
    approve: (wsId: string, id: string) =>
      request<JoinRequest>('POST', `${ws(wsId)}/join-requests/${encodeURIComponent(id)}/approve`),
    deny: (wsId: string, id: string) =>
      request<JoinRequest>('POST', `${ws(wsId)}/join-requests/${encodeURIComponent(id)}/deny`),
  },
  suggestions: {
    list: (wsId: string, cursor?: string | null) =>
      request<SuggestionList>('GET', `${ws(wsId)}/suggestions${query({ cursor })}`),
    dismiss: (wsId: string, userId: string) =>
      request<void>('POST', `${ws(wsId)}/suggestions/${encodeURIComponent(userId)}/dismiss`),
  },
  notifications: {
    list: (params: { cursor?: string | null; limit?: number; unread?: boolean } = {}) =>
      request<NotificationList>(
        'GET',
        `/api/notifications${query({ cursor: params.cursor, limit: params.limit, unread: params.unread ? 'true' : undefined })}`,
      ),
    markRead: (body: MarkReadBody) => request<MarkReadResult>('POST', '/api/notifications/read', body),
    /** The Server-Sent Events stream of new notifications (the browser reconnects with Last-Event-ID). */
    streamUrl: '/api/notifications/stream',
  },
  billing: {
    get: (wsId: string) => request<Billing>('GET', `${ws(wsId)}/billing`),
    /** `seats` is the new total, not the difference. */
    setSeats: (wsId: string, seats: number) =>
      request<Billing>('POST', `${ws(wsId)}/billing/seats`, { seats }),
  },
  apiKeys: {
    list: (wsId: string) => request<z.infer<typeof ApiKeyList>>('GET', `${ws(wsId)}/api-keys`),
    create: (wsId: string, body: z.input<typeof CreateApiKeyBody>) =>
      request<z.infer<typeof CreatedApiKey>>('POST', `${ws(wsId)}/api-keys`, body),
    revoke: (wsId: string, keyId: ApiKey['id']) =>
      request<void>('DELETE', `${ws(wsId)}/api-keys/${encodeURIComponent(keyId)}`),
  },
  audit: {
    list: (
      wsId: string,
      params: {
        cursor?: string | null;
        action?: AuditAction | null;
        actorId?: string | null;
        limit?: number;
      },
    ) => request<z.infer<typeof AuditPage>>('GET', `${ws(wsId)}/audit${query(params)}`),
  },
  items: {
    list: (wsId: string, params: ItemListParams) =>
      request<ItemList>('GET', `${ws(wsId)}/items${query({ ...params })}`),
    create: (wsId: string, body: z.input<typeof CreateItemBody>) =>
      request<Item>('POST', `${ws(wsId)}/items`, body),
    get: (id: string) => request<Item>('GET', item(id)),
    /** Rename (`title`) and/or move (`parentId`; null = the library root). */
    update: (id: string, body: { title?: string; parentId?: string | null }) =>
      request<Item>('PATCH', item(id), body),
    /** Moves the item (a folder with everything in it) to the trash; `permanent`: deletes it for good. */
    remove: (id: string, permanent = false) =>
      request<void>('DELETE', `${item(id)}${permanent ? '?permanent=true' : ''}`),
    /** Brings a deleted item back from the trash. */
    restore: (id: string) => request<Item>('POST', `${item(id)}/restore`),
    /** The deleted items the caller may restore, newest first. */
    trash: (wsId: string, params: { cursor?: string | null; limit?: number }) =>
      request<TrashList>('GET', `${ws(wsId)}/trash${query({ ...params })}`),
    access: (id: string) => request<ItemAccess>('GET', `${item(id)}/access`),
    updateAccess: (id: string, body: { generalAccess?: GeneralAccess; workspacePermission?: Permission }) =>
      request<ItemAccess>('PATCH', `${item(id)}/access`, body),
    grant: (id: string, userId: string, permission: Permission) =>
      request<ItemAccess>('PUT', `${item(id)}/grants/${encodeURIComponent(userId)}`, { permission }),
    removeGrant: (id: string, userId: string) =>
      request<ItemAccess>('DELETE', `${item(id)}/grants/${encodeURIComponent(userId)}`),
  },
  videos: {
    get: (id: string) => request<VideoFileResponse>('GET', `${item(id)}/video`),
    sharePage: (id: string) => request<SharePage>('GET', `${item(id)}/share-page`),
    updateSharePage: (id: string, body: UpdateSharePageBody) =>
      request<SharePage>('PATCH', `${item(id)}/share-page`, body),
    captions: (id: string) => request<CaptionTrackList>('GET', `${item(id)}/captions`),
    addCaption: (id: string, body: CaptionTrackBody) =>
      request<CaptionTrack>('POST', `${item(id)}/captions`, body),
    updateCaption: (id: string, trackId: string, body: CaptionTrackBody) =>
      request<CaptionTrack>('PUT', `${item(id)}/captions/${encodeURIComponent(trackId)}`, body),
    removeCaption: (id: string, trackId: string) =>
      request<void>('DELETE', `${item(id)}/captions/${encodeURIComponent(trackId)}`),
    /** Sends the poster frame captured from `fileId`. */
    putPoster: async (id: string, fileId: string, image: Blob): Promise<VideoFile> => {
      const res = await fetch(`${item(id)}/poster?fileId=${encodeURIComponent(fileId)}`, {
        method: 'PUT',
        credentials: 'same-origin',
        headers: { 'Content-Type': image.type || 'image/jpeg', Accept: 'application/json' },
        body: image,
      });
      if (!res.ok) throw await toApiError(res);
      return (await res.json()) as VideoFile;
    },
  },
  dev: {
    /** The dev mailbox exists only in development (200); production answers 404. */
    mailboxAvailable: async (): Promise<boolean> => {
      try {
        const res = await fetch(DEV_MAILBOX_URL, { credentials: 'same-origin', cache: 'no-store' });
        if (!res.ok) return false;
        // Guard against a host that answers every path with this app's index.html.
        return !(await res.text()).includes('id="root"');
      } catch {
        return false;
      }
    },
  },
};

/** Turns any thrown value into a sentence fit for a notification or an alert. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    // Server errors ask to quote the request id: make sure there is one to quote.
    return error.status >= 500 && error.requestId && !error.detail.includes(error.requestId)
      ? `${error.detail} (request id ${error.requestId})`
      : error.detail;
  }
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Please try again.';
}

/** An upload in flight: its answer, and a way to stop it. */
export interface Upload<T> {
  done: Promise<T>;
  cancel(): void;
}

/**
 * Uploads a file as the raw request body with XMLHttpRequest, whose upload events report progress
 * (fetch cannot). `onProgress` gets the fraction sent, 0 to 1. Cancelling rejects with code 'unknown'
 * and detail 'Upload cancelled'.
 */
export function uploadFile<T>(
  path: string,
  file: Blob,
  contentType: string,
  onProgress: (fraction: number) => void,
): Upload<T> {
  const xhr = new XMLHttpRequest();
  const done = new Promise<T>((resolve, reject) => {
    xhr.open('PUT', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Content-Type', contentType);
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      const res = new Response(xhr.responseText || null, { status: xhr.status });
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(JSON.parse(xhr.responseText) as T);
      } else {
        void toApiError(res).then(reject);
      }
    };
    xhr.onerror = () =>
      reject(
        new ApiError({ status: 0, code: 'network', detail: 'The upload failed: check your connection.' }),
      );
    xhr.onabort = () => reject(new ApiError({ status: 0, code: 'unknown', detail: 'Upload cancelled' }));
    xhr.send(file);
  });
  return { done, cancel: () => xhr.abort() };
}
