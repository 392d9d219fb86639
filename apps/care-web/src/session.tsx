import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { api, sessionInfo, storeToken, storedToken, type SessionInfo } from './api/client';

interface SessionContextValue {
  info: SessionInfo | null;
  signIn(token: string): void;
  signOut(): Promise<void>;
  can(scope: string): boolean;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(storedToken());
  const value = useMemo<SessionContextValue>(() => {
    const info = sessionInfo(token);
    return {
      info,
      signIn(next) {
        storeToken(next);
        setToken(next);
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
        }
      },
      can: (scope) => !!info?.scopes.includes(scope),
    };
  }, [token]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** Session tokens come back under different names from the OAuth and the user endpoints. */
export function tokenFrom(response: Record<string, unknown>): string {
  const token = response.access_token ?? response.accessToken ?? response.token ?? response.sessionToken;
  if (typeof token !== 'string') throw new Error('The server did not return a session token.');
  return token;
}
