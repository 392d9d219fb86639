import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { ProblemMessage } from '../../components/problem-message';
import { useText } from '../../i18n';
import { useDates } from '../../i18n/dates';

interface Hospital {
  id: string;
  key: string;
  name: string;
  createdAt: string;
}

export function HospitalsPage() {
  const [hospitals, setHospitals] = useState<Hospital[]>([]);
  const [error, setError] = useState<unknown>(null);
  const { t } = useText();
  const { date } = useDates();
  const load = () => api<Hospital[]>('GET', '/v1/admin/hospitals').then(setHospitals).catch(setError);
  useEffect(() => void load(), []);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Kept: React clears the event's currentTarget once the handler has returned, i.e. at the first await.
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setError(null);
    try {
      await api('POST', '/v1/admin/hospitals', { key: form.get('key'), name: form.get('name') });
      formElement.reset();
      await load();
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <section aria-labelledby="hospitals-title">
      <h1 id="hospitals-title">{t('hospitals.title')}</h1>
      <table aria-label={t('hospitals.table')}>
        <thead>
          <tr>
            <th scope="col">{t('common.name')}</th>
            <th scope="col">{t('common.key')}</th>
            <th scope="col">{t('common.created')}</th>
          </tr>
        </thead>
        <tbody>
          {hospitals.map((hospital) => (
            <tr key={hospital.id}>
              <td>
                <Link to={`/console/hospitals/${hospital.id}`}>{hospital.name}</Link>
              </td>
              <td>{hospital.key}</td>
              <td>{date(hospital.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t('hospitals.new')}</h2>
      <form onSubmit={create} aria-label={t('hospitals.new')}>
        <label>
          {t('common.key')}{' '}
          <input name="key" required pattern="[a-z0-9][a-z0-9-]{1,62}" title={t('hospitals.keyTitle')} />
        </label>
        <label>
          {t('common.name')} <input name="name" required />
        </label>
        <button type="submit">{t('hospitals.create')}</button>
      </form>
      <ProblemMessage error={error} />
    </section>
  );
}
