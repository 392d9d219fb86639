import { useCallback, useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { api } from '../api/client';
import type { CareFlow, Patient } from '../api/types';
import { CareFlowForm } from '../components/care-flow-form';
import { PatientTrace } from '../components/patient-trace';
import { ProblemMessage } from '../components/problem-message';
import { useText } from '../i18n';
import { useDates } from '../i18n/dates';

export function PatientPage() {
  const { patientId } = useParams();
  const [patient, setPatient] = useState<Patient | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [starting, setStarting] = useState(false);
  // Bumped on every (re)load: a care-flow change made here shows in the trace too.
  const [version, setVersion] = useState(0);
  const { t } = useText();

  const load = useCallback(() => {
    api<Patient>('GET', `/v1/patients/${patientId}`).then(setPatient).catch(setError);
    setVersion((current) => current + 1);
  }, [patientId]);
  useEffect(load, [load]);

  if (!patient)
    return error ? <ProblemMessage error={error} /> : <p aria-busy="true">{t('common.loading')}</p>;
  return (
    <section aria-labelledby="patient-title">
      <h1 id="patient-title">
        {patient.lastName}, {patient.firstName} {patient.middleName ?? ''}
      </h1>
      <dl className="demographics">
        <dt>{t('patient.patientCode')}</dt>
        <dd>{patient.patientCode}</dd>
        <dt>{t('patient.birthDate')}</dt>
        <dd>{patient.birthDate ?? '—'}</dd>
        <dt>{t('patient.sex')}</dt>
        <dd>{patient.sex}</dd>
        {patient.visitNumber && (
          <>
            <dt>{t('patient.visitNumber')}</dt>
            <dd>{patient.visitNumber}</dd>
          </>
        )}
        {patient.nationalRegistryNumber && (
          <>
            <dt>{t('patient.nationalRegistryNumber')}</dt>
            <dd>{patient.nationalRegistryNumber}</dd>
          </>
        )}
        {(patient.phone || patient.mobilePhone) && (
          <>
            <dt>{t('patient.phone')}</dt>
            <dd>{[patient.phone, patient.mobilePhone].filter(Boolean).join(' · ')}</dd>
          </>
        )}
        {patient.email && (
          <>
            <dt>{t('patient.email')}</dt>
            <dd>{patient.email}</dd>
          </>
        )}
        {patient.address && (
          <>
            <dt>{t('patient.address')}</dt>
            <dd>
              {[patient.address.street, patient.address.zip, patient.address.city, patient.address.country]
                .filter(Boolean)
                .join(', ')}
            </dd>
          </>
        )}
      </dl>

      <h2>{t('patient.careFlows')}</h2>
      {patient.careFlows.length === 0 ? (
        <p>{t('patient.noCareFlows')}</p>
      ) : (
        <CareFlowTable careFlows={patient.careFlows} onChanged={load} />
      )}
      {starting ? (
        <CareFlowForm
          submitLabel={t('patient.startCareFlow')}
          onSubmit={async (choice) => {
            await api('POST', `/v1/patients/${patient.id}/care-flows`, choice);
            setStarting(false);
            load();
          }}
        />
      ) : (
        <button onClick={() => setStarting(true)}>{t('patient.startACareFlow')}</button>
      )}
      <ProblemMessage error={error} />
      <PatientTrace patientId={patient.id} version={version} />
    </section>
  );
}

function CareFlowTable({ careFlows, onChanged }: { careFlows: CareFlow[]; onChanged(): void }) {
  const [stopping, setStopping] = useState<CareFlow | null>(null);
  const [error, setError] = useState<unknown>(null);
  const { t } = useText();
  const { dateTime } = useDates();
  return (
    <>
      <table aria-label={t('patient.careFlows')}>
        <thead>
          <tr>
            <th scope="col">{t('patient.careFlow')}</th>
            <th scope="col">{t('common.status')}</th>
            <th scope="col">{t('patient.physician')}</th>
            <th scope="col">{t('patient.baseline')}</th>
            <th scope="col">{t('patient.started')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('patient.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {careFlows.map((careFlow) => (
            <tr key={careFlow.id}>
              <td>{careFlow.definitionKey}</td>
              <td>
                {t(`careFlow.status.${careFlow.status}`)}
                {careFlow.stopReason ? ` (${careFlow.stopReason})` : ''}
              </td>
              <td>{careFlow.physicianCode ?? '—'}</td>
              <td>
                {Object.entries(careFlow.baseline)
                  .map(([key, value]) => `${key}: ${value}`)
                  .join(', ') || '—'}
              </td>
              <td>{dateTime(careFlow.startedAt)}</td>
              <td>
                {careFlow.status === 'active' && (
                  <button
                    onClick={() => setStopping(careFlow)}
                    aria-label={t('patient.stopNamed', { name: careFlow.definitionKey })}
                  >
                    {t('patient.stop')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {stopping && (
        <div role="dialog" aria-modal="true" aria-labelledby="stop-title" className="dialog">
          <h3 id="stop-title">{t('patient.stopNamed', { name: stopping.definitionKey })}</h3>
          <form
            onSubmit={async (event) => {
              event.preventDefault();
              try {
                await api('POST', `/v1/care-flows/${stopping.id}/stop`, {
                  reason: String(new FormData(event.currentTarget).get('reason')),
                });
                setStopping(null);
                onChanged();
              } catch (caught) {
                setError(caught);
              }
            }}
          >
            <label>
              {t('patient.reason')} <input name="reason" required />
            </label>
            <button type="submit">{t('patient.stopCareFlow')}</button>
            <button type="button" onClick={() => setStopping(null)}>
              {t('common.cancel')}
            </button>
          </form>
          <ProblemMessage error={error} />
        </div>
      )}
    </>
  );
}
