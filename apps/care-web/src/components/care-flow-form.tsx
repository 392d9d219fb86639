import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { CareFlowDefinition, Physician } from '../api/types';
import { useText } from '../i18n';
import { ProblemMessage } from './problem-message';

const INPUT_TYPES = { string: 'text', date: 'date', datetime: 'datetime-local', number: 'number' } as const;

export interface CareFlowChoice {
  definitionKey: string;
  physicianId?: string;
  baseline: Record<string, string>;
}

/** Choose a care-flow definition and fill its baseline fields; required ones are marked and enforced. */
export function CareFlowForm(props: {
  submitLabel: string;
  onSubmit(choice: CareFlowChoice): Promise<void>;
}) {
  const [definitions, setDefinitions] = useState<CareFlowDefinition[]>([]);
  const [physicians, setPhysicians] = useState<Physician[]>([]);
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const { t } = useText();

  useEffect(() => {
    Promise.all([
      api<CareFlowDefinition[]>('GET', '/v1/care-flow-definitions'),
      api<Physician[]>('GET', '/v1/physicians'),
    ])
      .then(([loadedDefinitions, loadedPhysicians]) => {
        setDefinitions(loadedDefinitions);
        setPhysicians(loadedPhysicians);
        setKey(loadedDefinitions[0]?.key ?? '');
      })
      .catch(setError);
  }, []);
  const definition = definitions.find((candidate) => candidate.key === key);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const baseline: Record<string, string> = {};
    for (const field of definition?.baseline ?? []) {
      const value = String(form.get(`baseline.${field.key}`) ?? '');
      if (value) baseline[field.key] = value;
    }
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit({
        definitionKey: key,
        physicianId: String(form.get('physicianId') || '') || undefined,
        baseline,
      });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-label={t('careFlowForm.form')}>
      <label>
        {t('careFlowForm.careFlow')}
        <select value={key} onChange={(event) => setKey(event.target.value)} required>
          {definitions.map((candidate) => (
            <option key={candidate.key} value={candidate.key}>
              {candidate.title}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('careFlowForm.physician')}
        <select name="physicianId" defaultValue="">
          <option value="">{t('careFlowForm.noPhysician')}</option>
          {physicians.map((physician) => (
            <option key={physician.id} value={physician.id}>
              {physician.lastName}, {physician.firstName}
            </option>
          ))}
        </select>
      </label>
      {definition?.baseline.map((field) => (
        <label key={field.key}>
          {field.key}
          {field.required ? ` ${t('careFlowForm.required')}` : ''}
          <input
            name={`baseline.${field.key}`}
            type={INPUT_TYPES[field.type]}
            required={field.required}
            step={field.type === 'number' ? 'any' : undefined}
          />
        </label>
      ))}
      <button type="submit" disabled={busy || !definition}>
        {props.submitLabel}
      </button>
      <ProblemMessage error={error} />
    </form>
  );
}
