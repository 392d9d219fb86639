import { useCallback, useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { api } from '../api/client';
import type { CareFlow, Patient } from '../api/types';
import { CareFlowForm } from '../components/care-flow-form';
import { ProblemMessage } from '../components/problem-message';

export function PatientPage() {
  const { patientId } = useParams();
  const [patient, setPatient] = useState<Patient | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [starting, setStarting] = useState(false);

  const load = useCallback(() => {
    api<Patient>('GET', `/v1/patients/${patientId}`).then(setPatient).catch(setError);
  }, [patientId]);
  useEffect(load, [load]);

  if (!patient) return error ? <ProblemMessage error={error} /> : <p aria-busy="true">Loading…</p>;
  return (
    <section aria-labelledby="patient-title">
      <h1 id="patient-title">
        {patient.lastName}, {patient.firstName} {patient.middleName ?? ''}
      </h1>
      <dl className="demographics">
        <dt>Patient code</dt>
        <dd>{patient.patientCode}</dd>
        <dt>Birth date</dt>
        <dd>{patient.birthDate ?? '—'}</dd>
        <dt>Sex</dt>
        <dd>{patient.sex}</dd>
        {patient.visitNumber && (
          <>
            <dt>Visit number</dt>
            <dd>{patient.visitNumber}</dd>
          </>
        )}
        {patient.nationalRegistryNumber && (
          <>
            <dt>National registry number</dt>
            <dd>{patient.nationalRegistryNumber}</dd>
          </>
        )}
        {(patient.phone || patient.mobilePhone) && (
          <>
            <dt>Phone</dt>
            <dd>{[patient.phone, patient.mobilePhone].filter(Boolean).join(' · ')}</dd>
          </>
        )}
        {patient.email && (
          <>
            <dt>E-mail</dt>
            <dd>{patient.email}</dd>
          </>
        )}
        {patient.address && (
          <>
            <dt>Address</dt>
            <dd>{[patient.address.street, patient.address.zip, patient.address.city, patient.address.country].filter(Boolean).join(', ')}</dd>
          </>
        )}
      </dl>

      <h2>Care flows</h2>
      {patient.careFlows.length === 0 ? <p>No care flows yet.</p> : <CareFlowTable careFlows={patient.careFlows} onChanged={load} />}
      {starting ? (
        <CareFlowForm
          submitLabel="Start care flow"
          onSubmit={async (choice) => {
            await api('POST', `/v1/patients/${patient.id}/care-flows`, choice);
            setStarting(false);
            load();
          }}
        />
      ) : (
        <button onClick={() => setStarting(true)}>Start a care flow</button>
      )}
      <ProblemMessage error={error} />
    </section>
  );
}

function CareFlowTable({ careFlows, onChanged }: { careFlows: CareFlow[]; onChanged(): void }) {
  const [stopping, setStopping] = useState<CareFlow | null>(null);
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <table aria-label="Care flows">
        <thead>
          <tr>
            <th scope="col">Care flow</th>
            <th scope="col">Status</th>
            <th scope="col">Physician</th>
            <th scope="col">Baseline</th>
            <th scope="col">Started</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {careFlows.map((careFlow) => (
            <tr key={careFlow.id}>
              <td>{careFlow.definitionKey}</td>
              <td>
                {careFlow.status}
                {careFlow.stopReason ? ` (${careFlow.stopReason})` : ''}
              </td>
              <td>{careFlow.physicianCode ?? '—'}</td>
              <td>
                {Object.entries(careFlow.baseline)
                  .map(([key, value]) => `${key}: ${value}`)
                  .join(', ') || '—'}
              </td>
              <td>{new Date(careFlow.startedAt).toLocaleString()}</td>
              <td>
                {careFlow.status === 'active' && (
                  <button onClick={() => setStopping(careFlow)} aria-label={`Stop ${careFlow.definitionKey}`}>
                    Stop
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {stopping && (
        <div role="dialog" aria-modal="true" aria-labelledby="stop-title" className="dialog">
          <h3 id="stop-title">Stop {stopping.definitionKey}</h3>
          <form
            onSubmit={async (event) => {
              event.preventDefault();
              try {
                await api('POST', `/v1/care-flows/${stopping.id}/stop`, { reason: String(new FormData(event.currentTarget).get('reason')) });
                setStopping(null);
                onChanged();
              } catch (caught) {
                setError(caught);
              }
            }}
          >
            <label>
              Reason <input name="reason" required />
            </label>
            <button type="submit">Stop care flow</button>
            <button type="button" onClick={() => setStopping(null)}>
              Cancel
            </button>
          </form>
          <ProblemMessage error={error} />
        </div>
      )}
    </>
  );
}
