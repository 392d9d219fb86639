import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { CareFlowDefinition } from '../api/types';
import { useText } from '../i18n';
import { ProblemMessage } from './problem-message';

const INPUT_TYPES = { string: 'text', date: 'date', datetime: 'datetime-local', number: 'number' } as const;

/** The care-flow fields of a larger form (import confirm): named `careFlow.definitionKey` and `careFlow.baseline.<key>`. */
export function CareFlowFields() {
  const { t } = useText();
  const [definitions, setDefinitions] = useState<CareFlowDefinition[]>([]);
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<CareFlowDefinition[]>('GET', '/v1/care-flow-definitions')
      .then((loaded) => {
        setDefinitions(loaded);
        setKey(loaded[0]?.key ?? '');
      })
      .catch(setError);
  }, []);
  const definition = definitions.find((candidate) => candidate.key === key);
  return (
    <fieldset>
      <legend>{t('careFlowForm.form')}</legend>
      <label>
        {t('careFlowForm.careFlow')}
        <select
          name="careFlow.definitionKey"
          value={key}
          onChange={(event) => setKey(event.target.value)}
          required
        >
          {definitions.map((candidate) => (
            <option key={candidate.key} value={candidate.key}>
              {candidate.title}
            </option>
          ))}
        </select>
      </label>
      {definition?.baseline.map((field) => (
        <label key={field.key}>
          {field.key}
          {field.required ? ` ${t('careFlowForm.required')}` : ''}
          <input
            name={`careFlow.baseline.${field.key}`}
            type={INPUT_TYPES[field.type]}
            required={field.required}
            step={field.type === 'number' ? 'any' : undefined}
          />
        </label>
      ))}
      <ProblemMessage error={error} />
    </fieldset>
  );
}

/** The `careFlow` of a confirm body from the form, or undefined when no care flow was asked for. */
export function careFlowFrom(form: FormData, physicianId: string) {
  const definitionKey = String(form.get('careFlow.definitionKey') ?? '');
  if (!definitionKey) return undefined;
  const baseline: Record<string, string> = {};
  for (const [name, value] of form.entries()) {
    if (name.startsWith('careFlow.baseline.') && String(value) !== '')
      baseline[name.slice('careFlow.baseline.'.length)] = String(value);
  }
  return { definitionKey, physicianId, baseline };
}
