import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import type { Patient, PatientSearch, PatientsPage as PatientsPageBody } from '../api/types';
import { ProblemMessage } from '../components/problem-message';
import { useText } from '../i18n';

const PAGE_SIZE = 50;

/**
 * Recently updated patients a page at a time ("Load more" follows the API's nextCursor, so patients
 * updated meanwhile never repeat or push others out of the list), and a search by patient code or
 * national registry number (sent in a POST body).
 */
export function PatientsPage() {
  const [patients, setPatients] = useState<Patient[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const { t } = useText();

  /** The first page without a cursor; the next one appended to what is shown. */
  const load = useCallback(async (cursor?: string) => {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (cursor) query.set('cursor', cursor);
    const page = await api<PatientsPageBody>('GET', `/v1/patients?${query}`);
    setPatients((shown) => (cursor && shown ? [...shown, ...page.patients] : page.patients));
    setNextCursor(page.nextCursor);
  }, []);

  useEffect(() => {
    load().catch(setError);
  }, [load]);

  async function search(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const query = String(new FormData(event.currentTarget).get('query') ?? '').trim();
    setError(null);
    try {
      if (!query) {
        await load();
        return;
      }
      const digits = query.replace(/\D/g, '');
      const criteria: PatientSearch =
        digits.length === 11 && digits.length >= query.length - 4
          ? { nationalRegistryNumber: digits }
          : { patientCode: query };
      setPatients((await api<PatientsPageBody>('POST', '/v1/patients/search', criteria)).patients);
      setNextCursor(undefined);
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <section aria-labelledby="patients-title">
      <h1 id="patients-title">{t('patients.title')}</h1>
      <form role="search" onSubmit={search}>
        <label>
          {t('patients.query')} <input name="query" />
        </label>
        <button type="submit">{t('patients.search')}</button>
        <Link to="/import" className="button">
          {t('patients.import')}
        </Link>
      </form>
      <ProblemMessage error={error} />
      {patients === null ? (
        <p aria-busy="true">{t('common.loading')}</p>
      ) : patients.length === 0 ? (
        <p>{t('patients.none')}</p>
      ) : (
        <table aria-label={t('patients.table')}>
          <thead>
            <tr>
              <th scope="col">{t('patients.name')}</th>
              <th scope="col">{t('patients.patientCode')}</th>
              <th scope="col">{t('patients.birthDate')}</th>
              <th scope="col">{t('patients.activeCareFlows')}</th>
            </tr>
          </thead>
          <tbody>
            {patients.map((patient) => (
              <tr key={patient.id}>
                <td>
                  <Link to={`/patients/${patient.id}`}>
                    {patient.lastName}, {patient.firstName}
                  </Link>
                </td>
                <td>{patient.patientCode}</td>
                <td>{patient.birthDate ?? '—'}</td>
                <td>{patient.careFlows.filter((careFlow) => careFlow.status === 'active').length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextCursor && (
        <nav aria-label={t('patients.pages')} className="pager">
          <button type="button" onClick={() => load(nextCursor).catch(setError)}>
            {t('patients.more')}
          </button>
        </nav>
      )}
    </section>
  );
}
