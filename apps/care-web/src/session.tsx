import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { sessionInfo, storeToken, storedToken, type SessionInfo } from './api/client';

interface SessionContextValue {
  info: SessionInfo | null;
  signIn(token: string): void;
  signOut(): void;
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
      signOut() {
        storeToken(null);
        setToken(null);
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
