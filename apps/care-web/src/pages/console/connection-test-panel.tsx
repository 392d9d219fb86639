import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { ProblemMessage } from '../../components/problem-message';
import { useText } from '../../i18n';

type ConnectionKind = 'hl7' | 'webservice' | 'siu';

interface TestStep {
  name: string;
  ok: boolean;
  ms: number;
  detail: string;
}

interface TestResult {
  ok: boolean;
  steps: TestStep[];
}

/**
 * The "Test" button beside a connection form: runs the platform's self-test of the saved connection and
 * shows its checklist, step by step with timings and the explanation of the step that failed.
 */
export function ConnectionTestPanel({ hospitalId, kind }: { hospitalId: string; kind: ConnectionKind }) {
  const { t } = useText();
  const [result, setResult] = useState<TestResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);

  async function run(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const patientCode = String(new FormData(event.currentTarget).get('patientCode') ?? '').trim();
    setRunning(true);
    setError(null);
    setResult(null);
    try {
      setResult(
        await api<TestResult>(
          'POST',
          `/v1/admin/hospitals/${hospitalId}/connections/${kind}/test`,
          patientCode ? { patientCode } : {},
        ),
      );
    } catch (caught) {
      setError(caught);
    } finally {
      setRunning(false);
    }
  }

  return (
    <form onSubmit={run} aria-label={t('selftest.region', { kind })} className="connection-test">
      {kind !== 'siu' && (
        <label>
          {t('selftest.patientCode')} <input name="patientCode" maxLength={100} />
        </label>
      )}
      {kind === 'siu' && <p>{t('selftest.siuNote')}</p>}
      <button type="submit" disabled={running}>
        {running ? t('selftest.running') : t('selftest.button')}
      </button>
      <ProblemMessage error={error} />
      {result && (
        <>
          <p role="status">{result.ok ? t('selftest.passed') : t('selftest.failed')}</p>
          <ol className="checklist">
            {result.steps.map((step) => (
              <li key={step.name} className={step.ok ? 'step-ok' : 'step-failed'}>
                <span aria-hidden="true">{step.ok ? '✓' : '✗'}</span> <strong>{step.name}</strong>{' '}
                <small>{t('selftest.ms', { ms: step.ms })}</small>
                <div>{step.detail}</div>
              </li>
            ))}
          </ol>
        </>
      )}
    </form>
  );
}
