import { useEffect, useState, type FormEvent } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { api, type SessionInfo } from '../api/client';
import { ProblemMessage } from '../components/problem-message';
import { LanguageSwitch, useText } from '../i18n';
import { tokenFrom, useSession } from '../session';

/** What a screen that needed a session passes to the login page: where to go back to, and why. */
export interface LoginState {
  from?: string;
  expired?: boolean;
}

/**
 * A login link's token is single-use. React (StrictMode in development, or a remount) may run the
 * exchange effect twice for one link: both runs share one request, so the token is redeemed once.
 */
const exchanges = new Map<string, Promise<Record<string, unknown>>>();
function exchangeOnce(token: string): Promise<Record<string, unknown>> {
  let exchange = exchanges.get(token);
  if (!exchange) {
    exchange = api<Record<string, unknown>>('POST', '/v1/auth/exchange', { token });
    exchanges.set(token, exchange);
  }
  return exchange;
}

/** Where a new session lands: back where the user was, else the console for a platform admin, else patients. */
function landing(info: SessionInfo | null, from: string | undefined): string {
  const platformAdmin = info?.kind === 'client' && info.hospitalId === null;
  if (from && from !== '/login' && (!platformAdmin || from.startsWith('/console'))) return from;
  return platformAdmin ? '/console' : '/patients';
}

/** Password sign-in for clinical users, client credentials for integration engineers, and login links from the EMR. */
export function LoginPage() {
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const { t } = useText();
  const [params] = useSearchParams();
  const state = (location.state ?? {}) as LoginState;
  const [mode, setMode] = useState<'user' | 'client'>('user');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // Login links carry the token in the fragment (never sent to a server, so never in an access log).
  const linkToken = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? params.get('token');
  const { signIn } = session;

  useEffect(() => {
    if (!linkToken) return;
    let current = true;
    setBusy(true);
    exchangeOnce(linkToken)
      .then((response) => {
        if (!current) return;
        const token = tokenFrom(response);
        if (!token) throw new Error(t('error.noToken'));
        signIn(token);
        const patientId = typeof response.patientId === 'string' ? response.patientId : undefined;
        window.history.replaceState(null, '', window.location.pathname);
        void navigate(patientId ? `/patients/${patientId}` : '/patients', { replace: true });
      })
      .catch((caught: unknown) => current && setError(caught))
      .finally(() => current && setBusy(false));
    return () => {
      current = false;
    };
  }, [linkToken, signIn, navigate, t]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const response =
        mode === 'user'
          ? await api<Record<string, unknown>>('POST', '/v1/auth/login', {
              email: form.get('email'),
              password: form.get('password'),
              ...(form.get('hospital') ? { hospital: form.get('hospital') } : {}),
            })
          : await api<Record<string, unknown>>('POST', '/v1/oauth/token', {
              grant_type: 'client_credentials',
              client_id: form.get('clientId'),
              client_secret: form.get('clientSecret'),
            });
      const token = tokenFrom(response);
      if (!token) throw new Error(t('error.noToken'));
      // The new session decides where to go: the one in context is still the one from before sign-in.
      void navigate(landing(signIn(token), state.from), { replace: true });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <LanguageSwitch />
      <h1>{t('nav.brand')}</h1>
      {linkToken ? (
        <p aria-live="polite">{busy ? t('login.signingIn') : null}</p>
      ) : (
        <>
          {state.expired && !error && (
            <p role="status" className="problem">
              {t('login.sessionEnded')}
            </p>
          )}
          <div role="tablist" aria-label={t('login.method')}>
            <button role="tab" aria-selected={mode === 'user'} onClick={() => setMode('user')}>
              {t('login.clinicalUser')}
            </button>
            <button role="tab" aria-selected={mode === 'client'} onClick={() => setMode('client')}>
              {t('login.engineer')}
            </button>
          </div>
          <form onSubmit={submit} aria-label={t('login.form')}>
            {mode === 'user' ? (
              <>
                <label>
                  {t('login.email')} <input name="email" type="email" autoComplete="username" required />
                </label>
                <label>
                  {t('login.password')}{' '}
                  <input name="password" type="password" autoComplete="current-password" required />
                </label>
                <label>
                  {t('login.hospital')} <input name="hospital" />
                </label>
              </>
            ) : (
              <>
                <label>
                  {t('login.clientId')} <input name="clientId" required />
                </label>
                <label>
                  {t('login.clientSecret')} <input name="clientSecret" type="password" required />
                </label>
              </>
            )}
            <button type="submit" disabled={busy}>
              {t('login.submit')}
            </button>
          </form>
        </>
      )}
      <ProblemMessage error={error} />
    </main>
  );
}
