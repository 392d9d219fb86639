import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import { ProblemMessage } from '../components/problem-message';
import { tokenFrom, useSession } from '../session';

/** Password sign-in for clinical users, client credentials for integration engineers, and login links from the EMR. */
export function LoginPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [mode, setMode] = useState<'user' | 'client'>('user');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // Login links carry the token in the fragment (never sent to a server, so never in an access log).
  const linkToken = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? params.get('token');

  useEffect(() => {
    if (!linkToken) return;
    setBusy(true);
    api<Record<string, unknown>>('POST', '/v1/auth/exchange', { token: linkToken })
      .then((response) => {
        session.signIn(tokenFrom(response));
        const patientId = typeof response.patientId === 'string' ? response.patientId : undefined;
        window.history.replaceState(null, '', window.location.pathname);
        navigate(patientId ? `/patients/${patientId}` : '/patients', { replace: true });
      })
      .catch(setError)
      .finally(() => setBusy(false));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [linkToken]);

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
      session.signIn(tokenFrom(response));
      navigate(mode === 'client' && session.info?.hospitalId === null ? '/console' : '/patients');
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <h1>Careflow Bridge</h1>
      {linkToken ? (
        <p aria-live="polite">{busy ? 'Signing you in…' : null}</p>
      ) : (
        <>
          <div role="tablist" aria-label="Sign-in method">
            <button role="tab" aria-selected={mode === 'user'} onClick={() => setMode('user')}>
              Clinical user
            </button>
            <button role="tab" aria-selected={mode === 'client'} onClick={() => setMode('client')}>
              Integration engineer
            </button>
          </div>
          <form onSubmit={submit} aria-label="Sign in">
            {mode === 'user' ? (
              <>
                <label>
                  E-mail <input name="email" type="email" autoComplete="username" required />
                </label>
                <label>
                  Password <input name="password" type="password" autoComplete="current-password" required />
                </label>
                <label>
                  Hospital key (only if asked) <input name="hospital" />
                </label>
              </>
            ) : (
              <>
                <label>
                  Client ID <input name="clientId" required />
                </label>
                <label>
                  Client secret <input name="clientSecret" type="password" required />
                </label>
              </>
            )}
            <button type="submit" disabled={busy}>
              Sign in
            </button>
          </form>
        </>
      )}
      <ProblemMessage error={error} />
    </main>
  );
}
