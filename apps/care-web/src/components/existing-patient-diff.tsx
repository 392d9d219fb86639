import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Candidate, Patient } from '../api/types';
import { useText, type MessageKey } from '../i18n';

/** The demographics an import would overwrite, by the label the patient page uses for them. */
const COMPARED: { field: keyof Candidate & keyof Patient; label: MessageKey }[] = [
  { field: 'lastName', label: 'users.lastName' },
  { field: 'firstName', label: 'users.firstName' },
  { field: 'birthDate', label: 'patient.birthDate' },
  { field: 'sex', label: 'patient.sex' },
  { field: 'visitNumber', label: 'patient.visitNumber' },
  { field: 'nationalRegistryNumber', label: 'patient.nationalRegistryNumber' },
  { field: 'phone', label: 'patient.phone' },
  { field: 'mobilePhone', label: 'patient.phone' },
  { field: 'email', label: 'patient.email' },
];

const shown = (value: unknown) =>
  value === undefined || value === null || value === '' ? '' : String(value);

function addressOf(person: Pick<Patient, 'address'>): string {
  const address = person.address;
  return address
    ? [address.street, address.zip, address.city, address.country].filter(Boolean).join(', ')
    : '';
}

/** What saving this candidate changes of the patient the Care app already has (candidate.existingPatientId). */
export function ExistingPatientDiff({ candidate }: { candidate: Candidate }) {
  const { t } = useText();
  const [existing, setExisting] = useState<Patient | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!candidate.existingPatientId) return;
    let current = true;
    setExisting(null);
    setFailed(false);
    api<Patient>('GET', `/v1/patients/${candidate.existingPatientId}`)
      .then((patient) => current && setExisting(patient))
      .catch(() => current && setFailed(true));
    return () => {
      current = false;
    };
  }, [candidate.existingPatientId]);

  if (!candidate.existingPatientId || failed) return null;
  if (!existing) return <p aria-busy="true">{t('common.loading')}</p>;
  const rows = [
    ...COMPARED.map(({ field, label }) => ({
      key: field as string,
      label,
      before: shown(existing[field]),
      after: shown(candidate[field]),
    })),
    {
      key: 'address',
      label: 'patient.address' as MessageKey,
      before: addressOf(existing),
      after: addressOf(candidate),
    },
  ].filter((row) => row.after !== '' && row.before !== row.after);
  return (
    <section aria-label={t('import.differences')}>
      <h2>{t('import.differences')}</h2>
      {rows.length === 0 ? (
        <p>{t('import.noDifferences')}</p>
      ) : (
        <table aria-label={t('import.differences')}>
          <thead>
            <tr>
              <th scope="col">{t('import.field')}</th>
              <th scope="col">{t('import.inCareApp')}</th>
              <th scope="col">{t('import.atHospital')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <th scope="row">{t(row.label)}</th>
                <td>{row.before || t('common.none')}</td>
                <td>{row.after}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
