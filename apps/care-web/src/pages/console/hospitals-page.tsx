import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { ProblemMessage } from '../../components/problem-message';

interface Hospital {
  id: string;
  key: string;
  name: string;
  createdAt: string;
}

export function HospitalsPage() {
  const [hospitals, setHospitals] = useState<Hospital[]>([]);
  const [error, setError] = useState<unknown>(null);
  const load = () => api<Hospital[]>('GET', '/v1/admin/hospitals').then(setHospitals).catch(setError);
  useEffect(() => void load(), []);

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    try {
      await api('POST', '/v1/admin/hospitals', { key: form.get('key'), name: form.get('name') });
      event.currentTarget?.reset();
      await load();
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <section aria-labelledby="hospitals-title">
      <h1 id="hospitals-title">Hospitals</h1>
      <table aria-label="Hospitals">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {hospitals.map((hospital) => (
            <tr key={hospital.id}>
              <td>
                <Link to={`/console/hospitals/${hospital.id}`}>{hospital.name}</Link>
              </td>
              <td>{hospital.key}</td>
              <td>{new Date(hospital.createdAt).toLocaleDateString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>New hospital</h2>
      <form onSubmit={create} aria-label="New hospital">
        <label>
          Key <input name="key" required pattern="[a-z0-9][a-z0-9-]{1,62}" title="lower-case letters, digits and dashes" />
        </label>
        <label>
          Name <input name="name" required />
        </label>
        <button type="submit">Create hospital</button>
      </form>
      <ProblemMessage error={error} />
    </section>
  );
}
