import { useState, type ChangeEvent } from 'react';
import { api } from '../../api/client';
import { ProblemMessage } from '../../components/problem-message';
import { useText } from '../../i18n';

/** Every string this panel shows, in one place (the console's strings are being moved to i18n). */
interface ConfigChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  from?: unknown;
  to?: unknown;
}

interface ApplyResult {
  dryRun: boolean;
  changes: ConfigChange[];
}

const show = (value: unknown) => (value === undefined ? '' : JSON.stringify(value));

/** Configuration as code: download the hospital's document; upload one, see its diff, then apply it. */
export function ConfigPanel({ hospitalId }: { hospitalId: string }) {
  const { t } = useText();
  const path = `/v1/admin/hospitals/${hospitalId}/config`;
  const [document, setDocument] = useState<unknown>(null);
  const [pending, setPending] = useState<ConfigChange[] | null>(null);
  const [applied, setApplied] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function download() {
    setError(null);
    try {
      const exported = await api<unknown>('GET', path);
      const url = URL.createObjectURL(
        new Blob([`${JSON.stringify(exported, null, 2)}\n`], { type: 'application/json' }),
      );
      const link = Object.assign(window.document.createElement('a'), {
        href: url,
        download: `hospital-config-${hospitalId}.json`,
      });
      link.click();
      URL.revokeObjectURL(url);
    } catch (caught) {
      setError(caught);
    }
  }

  async function chosen(event: ChangeEvent<HTMLInputElement>) {
    const file = event.currentTarget.files?.[0];
    setError(null);
    setPending(null);
    setApplied(null);
    if (!file) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      setError(new Error(t('configDoc.notJson')));
      return;
    }
    setBusy(true);
    try {
      // Nothing is written by a dry run: the diff is shown and the operator decides.
      const result = await api<ApplyResult>('PUT', `${path}?dryRun=true`, parsed);
      setDocument(parsed);
      setPending(result.changes);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  async function apply() {
    setBusy(true);
    setError(null);
    try {
      const result = await api<ApplyResult>('PUT', path, document);
      setApplied(result.changes.length);
      setPending(null);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-label={t('hospital.config')}>
      <p>{t('configDoc.intro', { secretSet: '{"secret": "set"}' })}</p>
      <button type="button" onClick={() => void download()}>
        {t('configDoc.download')}
      </button>
      <label>
        {t('configDoc.upload')}{' '}
        <input type="file" accept="application/json,.json" onChange={(event) => void chosen(event)} />
      </label>
      {busy && <p role="status">{t('configDoc.checking')}</p>}
      {pending && pending.length === 0 && <p role="status">{t('configDoc.noChanges')}</p>}
      {pending && pending.length > 0 && (
        <>
          <table aria-label={t('configDoc.changesTitle', { count: pending.length })}>
            <caption>{t('configDoc.changesTitle', { count: pending.length })}</caption>
            <thead>
              <tr>
                <th>{t('configDoc.path')}</th>
                <th>{t('configDoc.change')}</th>
                <th>{t('configDoc.from')}</th>
                <th>{t('configDoc.to')}</th>
              </tr>
            </thead>
            <tbody>
              {pending.map((change) => (
                <tr key={change.path}>
                  <td>
                    <code>{change.path}</code>
                  </td>
                  <td>{t(`configDoc.${change.change}`)}</td>
                  <td>
                    <code>{show(change.from)}</code>
                  </td>
                  <td>
                    <code>{show(change.to)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" disabled={busy} onClick={() => void apply()}>
            {t('configDoc.apply')}
          </button>
          <button type="button" disabled={busy} onClick={() => setPending(null)}>
            {t('common.cancel')}
          </button>
        </>
      )}
      {applied !== null && <p role="status">{t('configDoc.applied', { count: applied })}</p>}
      <ProblemMessage error={error} />
    </section>
  );
}
