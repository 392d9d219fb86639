import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../api/client';
import type { Candidate, Physician } from '../api/types';
import { ProblemMessage } from '../components/problem-message';

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

  useEffect(() => {
    api<Physician[]>('GET', '/v1/physicians').then(setPhysicians).catch(setError);
  }, []);

  async function lookUp(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get('value') ?? '').trim();
    setAsking(true);
    setError(null);
    setSession(null);
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
      });
      navigate(`/patients/${patient.id}`);
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  }

  return (
    <section aria-labelledby="import-title">
      <h1 id="import-title">Import patient</h1>
      <form onSubmit={lookUp} aria-label="Find the patient at the hospital">
        <fieldset>
          <legend>Look up by</legend>
          <label>
            <input type="radio" name="by" checked={by === 'patientCode'} onChange={() => setBy('patientCode')} /> Hospital patient ID
          </label>
          <label>
            <input type="radio" name="by" checked={by === 'visitNumber'} onChange={() => setBy('visitNumber')} /> Visit number
          </label>
        </fieldset>
        <label>
          {by === 'patientCode' ? 'Hospital patient ID' : 'Visit number'} <input name="value" required autoFocus />
        </label>
        <button type="submit" disabled={asking}>
          Find at the hospital
        </button>
        {asking && (
          <span role="status" aria-live="polite" className="spinner">
            Asking the hospital…
          </span>
        )}
      </form>
      <ProblemMessage error={error} />

      {session && (
        <form onSubmit={confirm} aria-label="Choose the patient and save">
          <table aria-label="Candidates">
            <thead>
              <tr>
                <th scope="col">Choose</th>
                <th scope="col">Name</th>
                <th scope="col">Patient ID</th>
                <th scope="col">Birth date</th>
                <th scope="col">Sex</th>
                <th scope="col">Visit</th>
                <th scope="col">In the Care app</th>
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
                      defaultChecked={index === 0}
                      aria-label={`Choose ${candidate.lastName}, ${candidate.firstName}`}
                    />
                  </td>
                  <td>
                    {candidate.lastName}, {candidate.firstName}
                  </td>
                  <td>{candidate.patientCode}</td>
                  <td>{candidate.birthDate ?? '—'}</td>
                  <td>{candidate.sex}</td>
                  <td>{candidate.visitNumber ?? '—'}</td>
                  <td>{candidate.existingPatientId ? 'Already in the Care app' : 'New'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <label>
            Physician
            <select name="physicianId" required defaultValue="">
              <option value="" disabled>
                Choose a physician
              </option>
              {physicians.map((physician) => (
                <option key={physician.id} value={physician.id}>
                  {physician.lastName}, {physician.firstName}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={saving}>
            Save patient
          </button>
        </form>
      )}
    </section>
  );
}
