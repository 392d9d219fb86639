import { Injectable } from '@nestjs/common';
import type { ReprocessFilterV1, ReprocessJobV1 } from '@bridge/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';

interface JobRow {
  id: string;
  hospital_id: string;
  filter: ReprocessFilterV1;
  state: ReprocessJobV1['state'];
  total: number;
  done: number;
  failed: number;
  created_at: Date;
  finished_at: Date | null;
}

export interface PendingItem {
  jobId: string;
  hospitalId: string;
  messageId: string;
  jobCreatedAt: Date;
}

const JOB_COLUMNS = 'id, hospital_id, filter, state, total, done, failed, created_at, finished_at';

/** Bulk reprocess jobs and their items (one per message that matched when the job started). */
@Injectable()
export class ReprocessJobsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Creates the job and its items in one transaction, or answers the running job of the same filter (a
   * unique index on running jobs decides between two operators starting it at once).
   */
  async start(filter: ReprocessFilterV1, filterKey: string): Promise<ReprocessJobV1> {
    for (;;) {
      const created = await this.dataSource.transaction(async (manager) => {
        const inserted: JobRow[] = await manager.query(
          `INSERT INTO siu_ingestor.reprocess_jobs (id, hospital_id, filter, filter_key) VALUES ($1, $2, $3::jsonb, $4)
           ON CONFLICT (hospital_id, filter_key) WHERE state = 'running' DO NOTHING RETURNING ${JOB_COLUMNS}`,
          [randomUUID(), filter.hospitalId, JSON.stringify(filter), filterKey],
        );
        if (inserted.length === 0) return undefined;
        const total = await this.snapshotItems(manager, inserted[0].id, filter);
        const [rows] = await manager.query<[JobRow[], number]>(
          `UPDATE siu_ingestor.reprocess_jobs SET total = $2,
             state = CASE WHEN $2 = 0 THEN 'done' ELSE 'running' END,
             finished_at = CASE WHEN $2 = 0 THEN clock_timestamp() END
           WHERE id = $1 RETURNING ${JOB_COLUMNS}`,
          [inserted[0].id, total],
        );
        return toView(rows[0]);
      });
      if (created) return created;
      const running: JobRow[] = await this.dataSource.query(
        `SELECT ${JOB_COLUMNS} FROM siu_ingestor.reprocess_jobs WHERE hospital_id = $1 AND filter_key = $2 AND state = 'running'`,
        [filter.hospitalId, filterKey],
      );
      // Finished between the two statements: start a new one.
      if (running[0]) return toView(running[0]);
    }
  }

  private async snapshotItems(
    manager: EntityManager,
    jobId: string,
    filter: ReprocessFilterV1,
  ): Promise<number> {
    const parameters: unknown[] = [jobId, filter.hospitalId];
    const conditions: string[] = [];
    const add = (sql: string, value: unknown) => {
      parameters.push(value);
      conditions.push(sql.replace('?', `$${parameters.length}`));
    };
    if (filter.channel) add('channel = ?', filter.channel);
    if (filter.type) add('type = ?', filter.type);
    if (filter.from) add('created_at >= ?', filter.from);
    if (filter.to) add('created_at <= ?', filter.to);
    const [{ total }] = await manager.query<{ total: number }[]>(
      `WITH items AS (
         INSERT INTO siu_ingestor.reprocess_job_items (job_id, message_id)
         SELECT $1, id FROM siu_ingestor.siu_message_log
         WHERE hospital_id = $2 AND status = 'failed' ${conditions.map((c) => `AND ${c}`).join(' ')}
         RETURNING 1
       ) SELECT count(*)::int AS total FROM items`,
      parameters,
    );
    return total;
  }

  async find(jobId: string): Promise<ReprocessJobV1 | undefined> {
    const rows: JobRow[] = await this.dataSource.query(
      `SELECT ${JOB_COLUMNS} FROM siu_ingestor.reprocess_jobs WHERE id = $1`,
      [jobId],
    );
    return rows[0] ? toView(rows[0]) : undefined;
  }

  async runningJobIds(): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM siu_ingestor.reprocess_jobs WHERE state = 'running' ORDER BY created_at`,
    );
    return rows.map((row) => row.id);
  }

  /**
   * Takes up to `limit` pending items of a job (skipping those another worker holds) and hands them to
   * `replay` inside the transaction, which records each item's outcome and the job's counts with it.
   * Answers how many were taken.
   */
  async takeBatch(
    jobId: string,
    limit: number,
    replay: (manager: EntityManager, item: PendingItem) => Promise<boolean>,
  ): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: { message_id: string; hospital_id: string; created_at: Date }[] = await manager.query(
        `SELECT i.message_id, j.hospital_id, j.created_at
         FROM siu_ingestor.reprocess_job_items i JOIN siu_ingestor.reprocess_jobs j ON j.id = i.job_id
         WHERE i.job_id = $1 AND i.state = 'pending' LIMIT $2 FOR UPDATE OF i SKIP LOCKED`,
        [jobId, limit],
      );
      let done = 0;
      let failed = 0;
      for (const row of rows) {
        const item = {
          jobId,
          hospitalId: row.hospital_id,
          messageId: row.message_id,
          jobCreatedAt: row.created_at,
        };
        const replayed = await replay(manager, item);
        await manager.query(
          `UPDATE siu_ingestor.reprocess_job_items SET state = $3 WHERE job_id = $1 AND message_id = $2`,
          [jobId, row.message_id, replayed ? 'done' : 'failed'],
        );
        if (replayed) done += 1;
        else failed += 1;
      }
      if (rows.length > 0) {
        await manager.query(
          `UPDATE siu_ingestor.reprocess_jobs SET done = done + $2, failed = failed + $3 WHERE id = $1`,
          [jobId, done, failed],
        );
      }
      return rows.length;
    });
  }

  /** The job is done once no item is pending (items another worker holds still count as pending). */
  async finishIfComplete(jobId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE siu_ingestor.reprocess_jobs SET state = 'done', finished_at = clock_timestamp()
       WHERE id = $1 AND state = 'running'
         AND NOT EXISTS (SELECT 1 FROM siu_ingestor.reprocess_job_items WHERE job_id = $1 AND state = 'pending')`,
      [jobId],
    );
  }
}

function toView(row: JobRow): ReprocessJobV1 {
  return {
    jobId: row.id,
    hospitalId: row.hospital_id,
    state: row.state,
    total: row.total,
    done: row.done,
    failed: row.failed,
    filter: row.filter,
    createdAt: row.created_at.toISOString(),
    ...(row.finished_at ? { finishedAt: row.finished_at.toISOString() } : {}),
  };
}
