import { Injectable } from '@nestjs/common';
import type { SiuRunFailureV1, SiuRunV1 } from '@bridge/contracts';
import { isUniqueViolation, withoutFields } from '@bridge/database';
import { DataSource } from 'typeorm';
import { SIU_SECRET_PATHS, type SiuConnectionSettings } from '../connections/siu-settings';
import { SiuMetrics } from './siu-metrics';

export interface RunRecord {
  id: string;
  hospitalId: string;
  trigger: SiuRunV1['trigger'];
  /** The connection as the run started, secrets included: held in memory by the fetching instance only. */
  settings: SiuConnectionSettings;
}

interface RunRow {
  id: string;
  hospital_id: string;
  trigger: SiuRunV1['trigger'];
  status: SiuRunV1['status'];
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
  files: string;
  received: string;
  processed: string;
  failed: string;
  duplicate: string;
  patients_created: string;
  started: string;
  updated: string;
  stopped: string;
}

/** At most this many failures are listed per run; the counts stay exact. */
const FAILURES_LISTED = 1000;

const RUN_VIEW_SQL = `
  SELECT r.id, r.hospital_id, r.trigger, r.status, r.error, r.started_at, r.finished_at,
    (SELECT count(*) FROM siu_ingestor.siu_files f WHERE f.run_id = r.id) AS files,
    r.received, r.processed, r.failed, r.duplicate, r.patients_created,
    r.care_flows_started AS started, r.care_flows_updated AS updated, r.care_flows_stopped AS stopped
  FROM siu_ingestor.siu_runs r`;

/**
 * Runs: one running per hospital at a time (a unique partial index, so it holds across instances), one run
 * per schedule tick, live counts kept on the run row (PRODUCT.md SiuRun). Every query takes the
 * hospital id, except the supervisor's, which watches all running runs.
 */
@Injectable()
export class SiuRunsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: SiuMetrics,
  ) {}

  /** `in_progress` when a run of the hospital is running; `already_ticked` when another instance took this tick. */
  async insert(
    run: RunRecord & { scheduledFor?: Date },
  ): Promise<'inserted' | 'in_progress' | 'already_ticked'> {
    try {
      await this.dataSource.query(
        `INSERT INTO siu_ingestor.siu_runs (id, hospital_id, trigger, scheduled_for, status, phase, settings)
         VALUES ($1, $2, $3, $4, 'running', 'fetching', $5)`,
        // Only the non-secret settings are kept with the run (its messages are read by them): a secret is
        // never copied out of the connection row, where it is sealed (ARCHITECTURE.md rule 11).
        [
          run.id,
          run.hospitalId,
          run.trigger,
          run.scheduledFor ?? null,
          JSON.stringify(withoutFields(run.settings, SIU_SECRET_PATHS)),
        ],
      );
      return 'inserted';
    } catch (error) {
      if (isUniqueViolation(error, 'siu_runs_one_running')) return 'in_progress';
      if (isUniqueViolation(error, 'siu_runs_one_per_tick')) return 'already_ticked';
      throw error;
    }
  }

  async runningId(hospitalId: string): Promise<string | undefined> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM siu_ingestor.siu_runs WHERE hospital_id = $1 AND status = 'running'`,
      [hospitalId],
    );
    return rows[0]?.id;
  }

  /** The settings a run reads its messages by: the connection as it was when the run started, without secrets. */
  async settingsOf(hospitalId: string, runId: string): Promise<SiuConnectionSettings | undefined> {
    const rows: { settings: SiuConnectionSettings }[] = await this.dataSource.query(
      `SELECT settings FROM siu_ingestor.siu_runs WHERE hospital_id = $1 AND id = $2`,
      [hospitalId, runId],
    );
    return rows[0]?.settings;
  }

  async heartbeat(hospitalId: string, runId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE siu_ingestor.siu_runs SET heartbeat_at = now() WHERE hospital_id = $1 AND id = $2 AND phase = 'fetching'`,
      [hospitalId, runId],
    );
  }

  /** Every file was taken (or the run gave up on the source): what is left is processing the messages. */
  async fetched(hospitalId: string, runId: string, error?: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE siu_ingestor.siu_runs SET phase = 'processing', error = COALESCE(error, $3), progress_at = now()
       WHERE hospital_id = $1 AND id = $2 AND phase = 'fetching'`,
      [hospitalId, runId, error ?? null],
    );
  }

  async addFailure(hospitalId: string, runId: string, file: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO siu_ingestor.siu_run_failures (run_id, hospital_id, file, reason) VALUES ($1, $2, $3, $4)`,
      [runId, hospitalId, file, reason],
    );
  }

  /**
   * Finishes the run once every file was taken and no message waits any more: failed when the run itself
   * had a problem (source, file, archive), succeeded otherwise; failed messages are reported, not fatal (rule 26).
   * Safe to call from any instance at any time. Answers whether it finished the run now.
   */
  async finishIfDone(runId: string): Promise<boolean> {
    const result: unknown = await this.dataSource.query(
      `UPDATE siu_ingestor.siu_runs r SET finished_at = now(), pending = 0,
         status = CASE WHEN r.error IS NOT NULL
           OR EXISTS (SELECT 1 FROM siu_ingestor.siu_run_failures f WHERE f.run_id = r.id) THEN 'failed' ELSE 'succeeded' END
       WHERE r.id = $1 AND r.status = 'running' AND r.phase = 'processing' AND r.processed + r.failed >= r.received
       RETURNING r.hospital_id, r.status`,
      [runId],
    );
    const [rows] = result as [{ hospital_id: string; status: 'succeeded' | 'failed' }[], number];
    // The UPDATE matched only while running: each run is counted finished once, whichever instance ends it.
    for (const row of rows) this.metrics.run(row.hospital_id, row.status);
    return rows.length > 0;
  }

  /** Runs whose fetching instance went silent (it died, or was killed): their files were left at the source. */
  async interruptSilent(staleMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE siu_ingestor.siu_runs SET phase = 'processing', progress_at = now(),
         error = COALESCE(error, 'interrupted: the instance taking the files stopped; files not taken stay at the source')
       WHERE status = 'running' AND phase = 'fetching' AND heartbeat_at < now() - make_interval(secs => $1)`,
      [staleMs / 1000],
    );
  }

  /**
   * Watches runs whose messages are being processed: finishes those that are done; records progress; ends a
   * run whose messages have not moved for `stallMs` as failed (its messages stay `received` in the log).
   */
  async superviseProcessing(stallMs: number): Promise<void> {
    const runs: { id: string; pending: number | null; waiting: number; stalled: boolean }[] =
      await this.dataSource.query(
        `SELECT id, pending, received - processed - failed AS waiting, progress_at < now() - make_interval(secs => $1) AS stalled
       FROM siu_ingestor.siu_runs WHERE status = 'running' AND phase = 'processing'`,
        [stallMs / 1000],
      );
    for (const run of runs) {
      if (run.waiting <= 0) {
        await this.finishIfDone(run.id);
      } else if (run.pending !== run.waiting) {
        await this.dataSource.query(
          `UPDATE siu_ingestor.siu_runs SET pending = $2, progress_at = now() WHERE id = $1 AND status = 'running'`,
          [run.id, run.waiting],
        );
      } else if (run.stalled) {
        const result: unknown = await this.dataSource.query(
          `UPDATE siu_ingestor.siu_runs SET status = 'failed', finished_at = now(),
             error = COALESCE(error, $2) WHERE id = $1 AND status = 'running' RETURNING hospital_id`,
          [run.id, `${run.waiting} messages were not processed within ${Math.round(stallMs / 1000)} s`],
        );
        const [ended] = result as [{ hospital_id: string }[], number];
        for (const row of ended) this.metrics.run(row.hospital_id, 'failed');
      }
    }
  }

  async find(hospitalId: string, runId: string): Promise<SiuRunV1 | undefined> {
    const rows: RunRow[] = await this.dataSource.query(
      `${RUN_VIEW_SQL} WHERE r.hospital_id = $1 AND r.id = $2`,
      [hospitalId, runId],
    );
    if (rows.length === 0) return undefined;
    return toView(rows[0], await this.failures(hospitalId, [runId]));
  }

  async list(hospitalId: string, limit: number): Promise<SiuRunV1[]> {
    const rows: RunRow[] = await this.dataSource.query(
      `${RUN_VIEW_SQL} WHERE r.hospital_id = $1 ORDER BY r.started_at DESC, r.id LIMIT $2`,
      [hospitalId, limit],
    );
    const failures = await this.failures(
      hospitalId,
      rows.map((row) => row.id),
    );
    return rows.map((row) => toView(row, failures));
  }

  /** File-level problems first, then failed messages in file order. */
  private async failures(hospitalId: string, runIds: string[]): Promise<Map<string, SiuRunFailureV1[]>> {
    const byRun = new Map<string, SiuRunFailureV1[]>();
    if (runIds.length === 0) return byRun;
    const rows: {
      run_id: string;
      file: string;
      control_id: string;
      reason: string;
      message_id: string | null;
    }[] = await this.dataSource.query(
      `SELECT * FROM (
           SELECT f.run_id, f.file, '' AS control_id, f.reason, NULL::uuid AS message_id, 0 AS kind, f.id AS seq
           FROM siu_ingestor.siu_run_failures f WHERE f.hospital_id = $1 AND f.run_id = ANY($2::uuid[])
           UNION ALL
           SELECT o.run_id, COALESCE(sf.name, ''), m.control_id, COALESCE(o.reason, ''), m.id, 1, m.seq
           FROM siu_ingestor.siu_message_outcomes o
           JOIN siu_ingestor.siu_messages m ON m.hospital_id = o.hospital_id AND m.id = o.message_id
           LEFT JOIN siu_ingestor.siu_files sf ON sf.id = m.file_id
           WHERE o.hospital_id = $1 AND o.run_id = ANY($2::uuid[]) AND o.status = 'failed'
         ) failures ORDER BY run_id, kind, seq`,
      [hospitalId, runIds],
    );
    for (const row of rows) {
      const list = byRun.get(row.run_id) ?? [];
      if (list.length >= FAILURES_LISTED) continue;
      list.push({
        file: row.file,
        controlId: row.control_id,
        reason: row.reason,
        ...(row.message_id ? { messageId: row.message_id } : {}),
      });
      byRun.set(row.run_id, list);
    }
    return byRun;
  }
}

function toView(row: RunRow, failures: Map<string, SiuRunFailureV1[]>): SiuRunV1 {
  return {
    id: row.id,
    hospitalId: row.hospital_id,
    trigger: row.trigger,
    status: row.status,
    startedAt: row.started_at.toISOString(),
    ...(row.finished_at ? { finishedAt: row.finished_at.toISOString() } : {}),
    files: Number(row.files),
    messagesReceived: Number(row.received),
    messagesProcessed: Number(row.processed),
    messagesFailed: Number(row.failed),
    messagesDuplicate: Number(row.duplicate),
    patientsCreated: Number(row.patients_created),
    careFlowsStarted: Number(row.started),
    careFlowsUpdated: Number(row.updated),
    careFlowsStopped: Number(row.stopped),
    failures: failures.get(row.id) ?? [],
    ...(row.error ? { error: row.error } : {}),
  };
}
