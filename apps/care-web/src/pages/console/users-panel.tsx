import type { FormEvent } from 'react';
import { api } from '../../api/client';
import { ProblemMessage } from '../../components/problem-message';
import { LANGUAGE_NAMES, useText } from '../../i18n';
import { LANGUAGES } from '../../i18n/language';
import { useEditableList } from './use-editable-list';

export const USER_ROLES = ['clinician', 'physician', 'hospital-admin'];

interface UserView {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  roles: string[];
  physicianCode?: string;
  preferredLanguage?: string;
  active: boolean;
}

/**
 * The hospital's users: change names, roles, physician code and the language the Care app speaks to them,
 * or deactivate (sessions and links revoked).
 */
export function UsersPanel({ hospitalId, refreshKey }: { hospitalId: string; refreshKey: unknown }) {
  const { t } = useText();
  const base = `/v1/admin/hospitals/${hospitalId}/users`;
  const { items: users, editing, setEditing, error, act } = useEditableList<UserView>(base, refreshKey);

  const deactivate = (user: UserView) => {
    if (!window.confirm(t('users.confirmDeactivate', { name: user.email }))) return;
    void act(() => api('DELETE', `${base}/${user.id}`));
  };
  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!editing) return;
    const form = new FormData(event.currentTarget);
    const physicianCode = String(form.get('physicianCode') ?? '').trim();
    const preferredLanguage = String(form.get('preferredLanguage') ?? '');
    void act(async () => {
      await api('PATCH', `${base}/${editing.id}`, {
        firstName: form.get('firstName'),
        lastName: form.get('lastName'),
        roles: form.getAll('roles'),
        physicianCode: physicianCode === '' ? null : physicianCode,
        // Empty: the user's browser decides (null clears a language set before).
        preferredLanguage: preferredLanguage === '' ? null : preferredLanguage,
      });
      setEditing(null);
    });
  };

  if (!users) return <ProblemMessage error={error} />;
  return (
    <div>
      <table aria-label={t('users.table')}>
        <thead>
          <tr>
            <th scope="col">{t('common.name')}</th>
            <th scope="col">{t('users.email')}</th>
            <th scope="col">{t('users.roles')}</th>
            <th scope="col">{t('users.physicianCode')}</th>
            <th scope="col">{t('common.status')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id}>
              <td>
                {user.lastName}, {user.firstName}
              </td>
              <td>{user.email}</td>
              <td>{user.roles.join(', ')}</td>
              <td>{user.physicianCode ?? t('common.none')}</td>
              <td>{user.active ? t('common.active') : t('common.deactivated')}</td>
              <td>
                {user.active && (
                  <>
                    <button
                      type="button"
                      onClick={() => setEditing(user)}
                      aria-label={t('common.editNamed', { name: user.email })}
                    >
                      {t('common.edit')}
                    </button>{' '}
                    <button
                      type="button"
                      onClick={() => deactivate(user)}
                      aria-label={t('apiClients.deactivateNamed', { name: user.email })}
                    >
                      {t('apiClients.deactivate')}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing && (
        <form key={editing.id} onSubmit={save} aria-label={t('common.editNamed', { name: editing.email })}>
          <label>
            {t('users.firstName')} <input name="firstName" required defaultValue={editing.firstName} />
          </label>
          <label>
            {t('users.lastName')} <input name="lastName" required defaultValue={editing.lastName} />
          </label>
          <fieldset>
            <legend>{t('users.roles')}</legend>
            {USER_ROLES.map((role) => (
              <label key={role}>
                <input
                  type="checkbox"
                  name="roles"
                  value={role}
                  defaultChecked={editing.roles.includes(role)}
                />{' '}
                {role}
              </label>
            ))}
          </fieldset>
          <label>
            {t('users.physicianCode')}{' '}
            <input name="physicianCode" defaultValue={editing.physicianCode ?? ''} />
          </label>
          <label>
            {t('users.language')}{' '}
            <select name="preferredLanguage" defaultValue={editing.preferredLanguage ?? ''}>
              <option value="">{t('users.languageOfBrowser')}</option>
              {LANGUAGES.map((language) => (
                <option key={language} value={language} lang={language}>
                  {LANGUAGE_NAMES[language]}
                </option>
              ))}
              {/* A tag set through the API (nl-BE, say) stays selectable as it is. */}
              {editing.preferredLanguage &&
                !(LANGUAGES as readonly string[]).includes(editing.preferredLanguage) && (
                  <option value={editing.preferredLanguage}>{editing.preferredLanguage}</option>
                )}
            </select>
          </label>
          <button type="submit">{t('users.save')}</button>{' '}
          <button type="button" onClick={() => setEditing(null)}>
            {t('common.cancel')}
          </button>
        </form>
      )}
      <ProblemMessage error={error} />
    </div>
  );
}
