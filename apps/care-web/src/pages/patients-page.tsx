import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import type { Patient } from '../api/types';
import { ProblemMessage } from '../components/problem-message';
import { useText } from '../i18n';

const PAGE_SIZE = 50;

interface PatientsPage {
  patients: Patient[];
  total: number;
}

/**
 * Recently updated patients a page at a time (the API pages by offset), and a search by patient code or
 * national registry number (sent in a POST body).
 */
export function PatientsPage() {
  const [patients, setPatients] = useState<Patient[] | null>(null);
  const [offset, setOffset] = useState(0);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const { t } = useText();

  useEffect(() => {
    let current = true;
    api<PatientsPage>('GET', `/v1/patients?limit=${PAGE_SIZE}&offset=${offset}`)
      .then((page) => {
        if (!current) return;
        setPatients(page.patients);
        setTotal(page.total);
      })
      .catch((caught: unknown) => current && setError(caught));
    return () => {
      current = false;
    };
  }, [offset]);

  async function search(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const query = String(new FormData(event.currentTarget).get('query') ?? '').trim();
    setError(null);
    try {
      if (!query) {
        const page = await api<PatientsPage>('GET', `/v1/patients?limit=${PAGE_SIZE}&offset=0`);
        setOffset(0);
        setPatients(page.patients);
        setTotal(page.total);
        return;
      }
      const digits = query.replace(/\D/g, '');
      const criteria =
        digits.length === 11 && digits.length >= query.length - 4
          ? { nationalRegistryNumber: digits }
          : { patientCode: query };
      setPatients((await api<PatientsPage>('POST', '/v1/patients/search', criteria)).patients);
      setTotal(null);
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
      {total !== null && total > PAGE_SIZE && (
        <nav aria-label={t('patients.pages')} className="pager">
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
          >
            {t('patients.previous')}
          </button>{' '}
          <span>
            {t('patients.range', { from: offset + 1, to: Math.min(offset + PAGE_SIZE, total), total })}
          </span>{' '}
          <button
            type="button"
            disabled={offset + PAGE_SIZE >= total}
            onClick={() => setOffset(offset + PAGE_SIZE)}
          >
            {t('patients.next')}
          </button>
        </nav>
      )}
    </section>
  );
}
