import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import type { Candidate, Physician } from '../api/types';
import { careFlowFrom, CareFlowFields } from '../components/care-flow-fields';
import { ExistingPatientDiff } from '../components/existing-patient-diff';
import { ProblemMessage } from '../components/problem-message';
import { useText } from '../i18n';
import { useDates } from '../i18n/dates';

interface ImportSession {
  importId: string;
  source: string;
  candidates: Candidate[];
  expiresAt: string;
}

/** Ask the hospital for a patient by ID or visit number, pick the right candidate and a physician, save. */
export function ImportPage() {
  const navigate = useNavigate();
  const [by, setBy] = useState<'patientCode' | 'visitNumber'>('patientCode');
  const [session, setSession] = useState<ImportSession | null>(null);
  const [physicians, setPhysicians] = useState<Physician[]>([]);
  const [asking, setAsking] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [chosen, setChosen] = useState(0);
  const [startCareFlow, setStartCareFlow] = useState(false);
  const { t } = useText();
  const { dateTime } = useDates();

  useEffect(() => {
    api<Physician[]>('GET', '/v1/physicians').then(setPhysicians).catch(setError);
  }, []);

  async function lookUp(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get('value') ?? '').trim();
    setAsking(true);
    setError(null);
    setSession(null);
    setChosen(0);
    try {
      setSession(await api<ImportSession>('POST', '/v1/imports', { [by]: value }));
    } catch (caught) {
      setError(caught);
    } finally {
      setAsking(false);
    }
  }

  async function confirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!session) return;
    const form = new FormData(event.currentTarget);
    setSaving(true);
    setError(null);
    try {
      const patient = await api<{ id: string }>('POST', `/v1/imports/${session.importId}/confirm`, {
        candidate: Number(form.get('candidate') ?? 0),
        physicianId: String(form.get('physicianId')),
        ...(startCareFlow ? { careFlow: careFlowFrom(form, String(form.get('physicianId'))) } : {}),
      });
      void navigate(`/patients/${patient.id}`);
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  }

  return (
    <section aria-labelledby="import-title">
      <h1 id="import-title">{t('import.title')}</h1>
      <form onSubmit={lookUp} aria-label={t('import.findForm')}>
        <fieldset>
          <legend>{t('import.lookUpBy')}</legend>
          <label>
            <input
              type="radio"
              name="by"
              checked={by === 'patientCode'}
              onChange={() => setBy('patientCode')}
            />{' '}
            {t('import.patientCode')}
          </label>
          <label>
            <input
              type="radio"
              name="by"
              checked={by === 'visitNumber'}
              onChange={() => setBy('visitNumber')}
            />{' '}
            {t('import.visitNumber')}
          </label>
        </fieldset>
        <label>
          {by === 'patientCode' ? t('import.patientCode') : t('import.visitNumber')}{' '}
          <input name="value" required autoFocus />
        </label>
        <button type="submit" disabled={asking}>
          {t('import.find')}
        </button>
        {asking && (
          <span role="status" aria-live="polite" className="spinner">
            {t('import.asking')}
          </span>
        )}
      </form>
      <ProblemMessage error={error} />

      {session && (
        <form onSubmit={confirm} aria-label={t('import.chooseForm')}>
          <p>{t('import.expires', { time: dateTime(session.expiresAt) })}</p>
          <table aria-label={t('import.candidates')}>
            <thead>
              <tr>
                <th scope="col">{t('import.choose')}</th>
                <th scope="col">{t('import.name')}</th>
                <th scope="col">{t('import.patientId')}</th>
                <th scope="col">{t('import.birthDate')}</th>
                <th scope="col">{t('import.sex')}</th>
                <th scope="col">{t('import.visit')}</th>
                <th scope="col">{t('import.inCareApp')}</th>
              </tr>
            </thead>
            <tbody>
              {session.candidates.map((candidate, index) => (
                <tr key={`${candidate.patientCode}-${index}`}>
                  <td>
                    <input
                      type="radio"
                      name="candidate"
                      value={index}
                      checked={index === chosen}
                      onChange={() => setChosen(index)}
                      aria-label={t('import.chooseNamed', {
                        name: `${candidate.lastName}, ${candidate.firstName}`,
                      })}
                    />
                  </td>
                  <td>
                    {candidate.lastName}, {candidate.firstName}
                  </td>
                  <td>{candidate.patientCode}</td>
                  <td>{candidate.birthDate ?? '—'}</td>
                  <td>{candidate.sex}</td>
                  <td>{candidate.visitNumber ?? '—'}</td>
                  <td>{candidate.existingPatientId ? t('import.alreadyInCareApp') : t('import.new')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <label>
            {t('import.physician')}
            <select name="physicianId" required defaultValue="">
              <option value="" disabled>
                {t('import.choosePhysician')}
              </option>
              {physicians.map((physician) => (
                <option key={physician.id} value={physician.id}>
                  {physician.lastName}, {physician.firstName}
                </option>
              ))}
            </select>
          </label>
          {session.candidates[chosen] && <ExistingPatientDiff candidate={session.candidates[chosen]} />}
          <label>
            <input
              type="checkbox"
              checked={startCareFlow}
              onChange={(event) => setStartCareFlow(event.target.checked)}
            />{' '}
            {t('import.startCareFlow')}
          </label>
          {startCareFlow && <CareFlowFields />}
          <button type="submit" disabled={saving}>
            {t('import.save')}
          </button>
        </form>
      )}
    </section>
  );
}
