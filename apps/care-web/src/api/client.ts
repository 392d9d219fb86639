/** The one way the screens talk to the platform: JSON over /v1 with the session's bearer token. */

export interface Problem {
  status: number;
  code: string;
  title?: string;
  detail?: string;
  errors?: { field: string; message: string }[];
  hospitalError?: string;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? problem.code);
  }
  get code(): string {
    return this.problem.code;
  }
}

const TOKEN_KEY = 'careflow-bridge.session';
/**
 * Set when this tab's session ended without the user signing out (refused by the API, or expired), so a
 * reload at that moment still tells the user why they are on the sign-in page.
 */
const ENDED_KEY = 'careflow-bridge.session-ended';

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Keeps (or drops) this tab's token; `ended` says a dropped one ended by itself rather than by sign-out. */
export function storeToken(token: string | null, ended = false): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  if (ended && !token) sessionStorage.setItem(ENDED_KEY, '1');
  else sessionStorage.removeItem(ENDED_KEY);
}

/** Whether the last session in this tab ended by itself (see ENDED_KEY). */
export function sessionEnded(): boolean {
  return sessionStorage.getItem(ENDED_KEY) !== null;
}

/** Told when the API refuses the session's token: the session has expired or was ended elsewhere. */
type ExpiryListener = () => void;
const expiryListeners = new Set<ExpiryListener>();
export function onSessionExpired(listener: ExpiryListener): () => void {
  expiryListeners.add(listener);
  return () => expiryListeners.delete(listener);
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const token = storedToken();
  const response = await fetch(path, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text ? safeJson(text) : undefined;
  if (!response.ok) {
    const problem = (parsed && typeof parsed === 'object' ? parsed : {}) as Partial<Problem>;
    // A 401 to a call made with a token means that token is no longer good (a 401 without one is a
    // failed sign-in, which the sign-in form shows itself). Only the token that failed is dropped.
    if (response.status === 401 && token && storedToken() === token) {
      storeToken(null, true);
      for (const listener of expiryListeners) listener();
    }
    throw new ApiError({
      status: response.status,
      code: problem.code ?? `HTTP_${response.status}`,
      ...problem,
    } as Problem);
  }
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text };
  }
}

/** What the session token says about its holder (read, not verified: the API verifies every call). */
export interface SessionInfo {
  subject: string;
  kind: 'client' | 'user';
  hospitalId: string | null;
  scopes: string[];
  /** Seconds since the epoch, when the token says. */
  expiresAt?: number;
}

export function sessionInfo(token: string | null): SessionInfo | null {
  if (!token) return null;
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return {
      subject: payload.sub,
      kind: payload.kind,
      hospitalId: payload.hid ?? null,
      scopes: String(payload.scope ?? '').split(' '),
      expiresAt: typeof payload.exp === 'number' ? payload.exp : undefined,
    };
  } catch {
    return null;
  }
}
