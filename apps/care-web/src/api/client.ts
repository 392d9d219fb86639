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

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
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
    throw new ApiError({ status: response.status, code: problem.code ?? `HTTP_${response.status}`, ...problem } as Problem);
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
}

export function sessionInfo(token: string | null): SessionInfo | null {
  if (!token) return null;
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return { subject: payload.sub, kind: payload.kind, hospitalId: payload.hid ?? null, scopes: String(payload.scope ?? '').split(' ') };
  } catch {
    return null;
  }
}
