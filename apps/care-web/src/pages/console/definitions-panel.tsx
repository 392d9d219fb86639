import type { FormEvent } from 'react';
import { api } from '../../api/client';
import { ProblemMessage } from '../../components/problem-message';
import { useText } from '../../i18n';
import { useEditableList } from './use-editable-list';

interface DefinitionView {
  id: string;
  key: string;
  title: string;
  baseline: { key: string; type: string; required: boolean }[];
  active?: boolean;
}

/** Baseline fields as the create form writes them: one per line, `key type [required]`. */
export function parseBaseline(text: string) {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((parts) => parts[0])
    .map(([key, type = 'string', required]) => ({ key, type, required: required === 'required' }));
}

export function formatBaseline(baseline: DefinitionView['baseline']): string {
  return baseline.map((field) => `${field.key} ${field.type}${field.required ? ' required' : ''}`).join('\n');
}

/** The hospital's care-flow definitions: change title and fields, deactivate (running care flows go on) or reactivate. */
export function DefinitionsPanel({ hospitalId, refreshKey }: { hospitalId: string; refreshKey: unknown }) {
  const { t } = useText();
  const base = `/v1/admin/hospitals/${hospitalId}/care-flow-definitions`;
  const {
    items: definitions,
    editing,
    setEditing,
    error,
    act,
  } = useEditableList<DefinitionView>(base, refreshKey);

  const deactivate = (definition: DefinitionView) => {
    if (!window.confirm(t('definitions.confirmDeactivate', { name: definition.title }))) return;
    void act(() => api('DELETE', `${base}/${definition.key}`));
  };
  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!editing) return;
    const form = new FormData(event.currentTarget);
    void act(async () => {
      await api('PATCH', `${base}/${editing.key}`, {
        title: form.get('title'),
        baseline: parseBaseline(String(form.get('baseline') ?? '')),
      });
      setEditing(null);
    });
  };

  if (!definitions) return <ProblemMessage error={error} />;
  return (
    <div>
      <table aria-label={t('hospital.definitions')}>
        <thead>
          <tr>
            <th scope="col">{t('common.key')}</th>
            <th scope="col">{t('definitions.title')}</th>
            <th scope="col">{t('definitions.fields')}</th>
            <th scope="col">{t('common.status')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {definitions.map((definition) => {
            const active = definition.active !== false;
            return (
              <tr key={definition.id}>
                <td>
                  <code>{definition.key}</code>
                </td>
                <td>{definition.title}</td>
                <td>
                  {definition.baseline
                    .map((field) => `${field.key}${field.required ? '*' : ''}`)
                    .join(', ') || t('common.none')}
                </td>
                <td>{active ? t('common.active') : t('common.deactivated')}</td>
                <td>
                  {active ? (
                    <>
                      <button
                        type="button"
                        onClick={() => setEditing(definition)}
                        aria-label={t('common.editNamed', { name: definition.title })}
                      >
                        {t('common.edit')}
                      </button>{' '}
                      <button
                        type="button"
                        onClick={() => deactivate(definition)}
                        aria-label={t('apiClients.deactivateNamed', { name: definition.title })}
                      >
                        {t('apiClients.deactivate')}
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      onClick={() =>
                        void act(() => api('PATCH', `${base}/${definition.key}`, { active: true }))
                      }
                      aria-label={t('definitions.activateNamed', { name: definition.title })}
                    >
                      {t('definitions.activate')}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {editing && (
        <form key={editing.key} onSubmit={save} aria-label={t('common.editNamed', { name: editing.title })}>
          <label>
            {t('definitions.title')} <input name="title" required defaultValue={editing.title} />
          </label>
          <label>
            {t('definitions.baseline')}
            <textarea name="baseline" rows={4} defaultValue={formatBaseline(editing.baseline)} />
          </label>
          <button type="submit">{t('definitions.save')}</button>{' '}
          <button type="button" onClick={() => setEditing(null)}>
            {t('common.cancel')}
          </button>
        </form>
      )}
      <ProblemMessage error={error} />
    </div>
  );
}
