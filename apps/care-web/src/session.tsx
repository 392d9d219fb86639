import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import {
  api,
  onSessionExpired,
  sessionEnded,
  sessionInfo,
  storeToken,
  storedToken,
  type SessionInfo,
} from './api/client';
import { useLanguage } from './i18n';

interface SessionContextValue {
  info: SessionInfo | null;
  /** True when the last session ended without the user signing out (expired or ended elsewhere). */
  expired: boolean;
  /** Signs in and returns what the new token says, so the caller need not wait for a re-render. */
  signIn(token: string): SessionInfo | null;
  signOut(): Promise<void>;
  can(scope: string): boolean;
}

const SessionContext = createContext<SessionContextValue | null>(null);

const isPast = (info: SessionInfo | null) =>
  info?.expiresAt !== undefined && info.expiresAt * 1000 <= Date.now();

export function SessionProvider({ children }: { children: ReactNode }) {
  const { preferUserLanguage } = useLanguage();
  // A token left in this tab that has expired since is no session: back to sign-in, saying why. So is a
  // session the API refused just before a reload (the page being left may have seen the 401 first).
  const [initial] = useState(() => {
    const token = storedToken();
    if (token && isPast(sessionInfo(token))) {
      storeToken(null, true);
      return { token: null, expired: true };
    }
    return { token, expired: !token && sessionEnded() };
  });
  const [token, setToken] = useState<string | null>(initial.token);
  const [expired, setExpired] = useState(initial.expired);

  useEffect(
    () =>
      onSessionExpired(() => {
        setToken(null);
        setExpired(true);
      }),
    [],
  );

  // A token that expires while the tab stays open ends the session at that moment, not at the next click.
  useEffect(() => {
    const expiresAt = sessionInfo(token)?.expiresAt;
    // (setTimeout fires at once past ~24 days: such a token is left to the API's 401)
    if (!token || expiresAt === undefined || expiresAt * 1000 - Date.now() > 2 ** 31 - 1) return;
    const timer = setTimeout(
      () => {
        storeToken(null, true);
        setToken(null);
        setExpired(true);
      },
      Math.max(0, expiresAt * 1000 - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [token]);

  // A Care app user's preferred language applies unless a language was chosen in this browser.
  useEffect(() => {
    if (sessionInfo(token)?.kind !== 'user') return;
    let current = true;
    api<{ user?: { preferredLanguage?: string } }>('GET', '/v1/auth/session')
      .then((session) => current && preferUserLanguage(session.user?.preferredLanguage))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [token, preferUserLanguage]);

  const value = useMemo<SessionContextValue>(() => {
    const info = sessionInfo(token);
    return {
      info,
      expired,
      signIn(next) {
        storeToken(next);
        setToken(next);
        setExpired(false);
        return sessionInfo(next);
      },
      /**
       * A Care app session is ended on the server (POST /v1/auth/logout), so a copy of the token is
       * worthless from now on; the local copy goes whatever the server said. A platform-admin access
       * token (client credentials) cannot be revoked this way: it is dropped and expires within the hour.
       */
      async signOut() {
        try {
          if (info?.kind === 'user') await api('POST', '/v1/auth/logout');
        } catch {
          // Already ended or expired: nothing left to end.
        } finally {
          storeToken(null);
          setToken(null);
          setExpired(false);
        }
      },
      can: (scope) => !!info?.scopes.includes(scope),
    };
  }, [token, expired]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** Session tokens come back under different names from the OAuth and the user endpoints. */
export function tokenFrom(response: Record<string, unknown>): string | undefined {
  const token = response.access_token ?? response.accessToken ?? response.token ?? response.sessionToken;
  return typeof token === 'string' ? token : undefined;
}
