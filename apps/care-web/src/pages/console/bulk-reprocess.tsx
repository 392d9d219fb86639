import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { ProblemMessage } from '../../components/problem-message';

const text = {
  button: 'Reprocess matching',
  needsHospital: 'Filter by a hospital to reprocess its failed SIU messages.',
  confirm: 'Replay every failed SIU message matching these filters?',
  progress: (job: ReprocessJob) =>
    `Reprocess job ${job.state}: ${job.done + job.failed} of ${job.total} (${job.done} replayed, ${job.failed} not replayable)`,
  progressLabel: 'Reprocess progress',
};

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
    if (!window.confirm(text.confirm)) return;
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
        title={hospitalId ? undefined : text.needsHospital}
      >
        {text.button}
      </button>
      {job && (
        <p role="status">
          {text.progress(job)}{' '}
          <progress
            aria-label={text.progressLabel}
            max={Math.max(job.total, 1)}
            value={job.done + job.failed}
          />
        </p>
      )}
      <ProblemMessage error={error} />
    </div>
  );
}
