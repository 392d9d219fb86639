import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/client';

/**
 * What the console's list-and-edit panels (API clients, users, care-flow definitions) share: the list at
 * `path`, loaded again when `refreshKey` changes (a create form above added a row) and after every
 * action; the row being edited; and the error of the last load or action.
 */
export function useEditableList<T>(path: string, refreshKey: unknown) {
  const [items, setItems] = useState<T[] | null>(null);
  const [editing, setEditing] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      setItems(await api<T[]>('GET', path));
    } catch (caught) {
      setError(caught);
    }
  }, [path]);
  useEffect(() => void load(), [load, refreshKey]);

  /** Runs a change, then shows the list as it now is; a refusal is shown, the list stays. */
  const act = useCallback(
    async (action: () => Promise<unknown>) => {
      setError(null);
      try {
        await action();
        await load();
      } catch (caught) {
        setError(caught);
      }
    },
    [load],
  );

  return { items, editing, setEditing, error, act };
}
