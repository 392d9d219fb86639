import { useState, type ChangeEvent } from 'react';
import { api } from '../../api/client';
import { ProblemMessage } from '../../components/problem-message';

/** Every string this panel shows, in one place (the console's strings are being moved to i18n). */
const text = {
  intro:
    'The whole configuration of this hospital as one JSON file: connections, import source, care-flow definitions and SCIM group roles. Secrets read {"secret": "set"}; leave them so to keep them.',
  download: 'Download configuration',
  upload: 'Configuration file to apply',
  notJson: 'This file is not JSON.',
  checking: 'Checking the file…',
  noChanges: 'This file changes nothing.',
  changesTitle: (count: number) => `${count} change${count === 1 ? '' : 's'} to apply`,
  path: 'Where',
  change: 'Change',
  from: 'Now',
  to: 'After',
  apply: 'Apply these changes',
  cancel: 'Cancel',
  applied: (count: number) => `Applied: ${count} change${count === 1 ? '' : 's'}.`,
  added: 'added',
  removed: 'removed',
  changed: 'changed',
};

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
      setError(new Error(text.notJson));
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
    <div aria-label="Configuration as code">
      <p>{text.intro}</p>
      <button type="button" onClick={() => void download()}>
        {text.download}
      </button>
      <label>
        {text.upload}{' '}
        <input type="file" accept="application/json,.json" onChange={(event) => void chosen(event)} />
      </label>
      {busy && <p role="status">{text.checking}</p>}
      {pending && pending.length === 0 && <p role="status">{text.noChanges}</p>}
      {pending && pending.length > 0 && (
        <>
          <table aria-label={text.changesTitle(pending.length)}>
            <caption>{text.changesTitle(pending.length)}</caption>
            <thead>
              <tr>
                <th>{text.path}</th>
                <th>{text.change}</th>
                <th>{text.from}</th>
                <th>{text.to}</th>
              </tr>
            </thead>
            <tbody>
              {pending.map((change) => (
                <tr key={change.path}>
                  <td>
                    <code>{change.path}</code>
                  </td>
                  <td>{text[change.change]}</td>
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
            {text.apply}
          </button>
          <button type="button" disabled={busy} onClick={() => setPending(null)}>
            {text.cancel}
          </button>
        </>
      )}
      {applied !== null && <p role="status">{text.applied(applied)}</p>}
      <ProblemMessage error={error} />
    </div>
  );
}
