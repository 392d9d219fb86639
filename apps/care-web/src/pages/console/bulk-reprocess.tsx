import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { ProblemMessage } from '../../components/problem-message';
import { useText } from '../../i18n';

interface ReprocessJob {
  jobId: string;
  state: 'running' | 'done';
  total: number;
  done: number;
  failed: number;
}

const POLL_MS = 1000;

/**
 * "Reprocess matching" on the message log: starts a bulk reprocess job for the log's current filters
 * (the hospital is required) and follows its progress until it is done.
 */
export function BulkReprocess({ params }: { params: URLSearchParams }) {
  const { t } = useText();
  const [job, setJob] = useState<ReprocessJob | null>(null);
  const [error, setError] = useState<unknown>(null);
  const hospitalId = params.get('hospitalId');

  useEffect(() => {
    if (!job || job.state === 'done') return;
    const timer = setTimeout(() => {
      api<ReprocessJob>('GET', `/v1/admin/jobs/${job.jobId}`).then(setJob).catch(setError);
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [job]);

  async function start() {
    if (!window.confirm(t('reprocess.confirm'))) return;
    setError(null);
    const filter: Record<string, string> = {};
    for (const name of ['hospitalId', 'channel', 'status', 'type', 'from', 'to']) {
      const value = params.get(name);
      if (value) filter[name] = value;
    }
    try {
      setJob(await api<ReprocessJob>('POST', '/v1/admin/messages/reprocess', { filter }));
    } catch (failure) {
      setError(failure);
    }
  }

  return (
    <div>
      <button
        type="button"
        onClick={start}
        disabled={!hospitalId || job?.state === 'running'}
        title={hospitalId ? undefined : t('reprocess.needsHospital')}
      >
        {t('reprocess.button')}
      </button>
      {job && (
        <p role="status">
          {t('reprocess.progress', {
            state: job.state,
            processed: job.done + job.failed,
            total: job.total,
            done: job.done,
            failed: job.failed,
          })}{' '}
          <progress
            aria-label={t('reprocess.progressLabel')}
            max={Math.max(job.total, 1)}
            value={job.done + job.failed}
          />
        </p>
      )}
      <ProblemMessage error={error} />
    </div>
  );
}
