import { Injectable } from '@nestjs/common';
import type { RetentionPolicy } from '@bridge/database';
import { DataSource } from 'typeorm';

const DAY_MS = 86_400_000;

/** The named SQL of webhook retention: listed patient positions and finished deliveries, in short batches. */
@Injectable()
export class WebhookRetentionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Removes up to `limit` listed positions recorded more than `olderThanMs` ago and raises each hospital's
   * watermark to the highest one removed, in one statement: a claim sees the row or the watermark, never
   * neither. Answers how many were removed.
   */
  async prunePatientPositions(olderThanMs: number, limit: number): Promise<number> {
    const [{ removed }]: { removed: number }[] = await this.dataSource.query(
      `WITH pruned AS (
         DELETE FROM notifier.webhook_patient_positions WHERE ctid IN (
           SELECT ctid FROM notifier.webhook_patient_positions
           WHERE recorded_at < now() - make_interval(secs => $1::double precision / 1000) LIMIT $2)
         RETURNING hospital_id, position
       ), raised AS (
         INSERT INTO notifier.webhook_position_watermarks AS w (hospital_id, position)
         SELECT hospital_id, max(position) FROM pruned GROUP BY hospital_id
         ON CONFLICT (hospital_id) DO UPDATE SET position = greatest(w.position, EXCLUDED.position), pruned_at = now()
       )
       SELECT count(*)::int AS removed FROM pruned`,
      [olderThanMs, limit],
    );
    return removed;
  }

  /**
   * Removes up to `limit` finished deliveries (succeeded or failed) created before their hospital's message
   * retention (`messagesDays`; hospitals without one: the defaults), with their attempts. A pending delivery
   * stays whatever its age; one being redelivered is locked, skipped, and no longer finished after.
   */
  async pruneFinishedDeliveries(policy: RetentionPolicy, now: Date, limit: number): Promise<number> {
    const cutoff = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
    const [{ removed }]: { removed: number }[] = await this.dataSource.query(
      `WITH doomed AS (
         SELECT d.id FROM notifier.webhook_deliveries d
         LEFT JOIN unnest($1::uuid[], $2::timestamptz[]) AS c (hospital_id, cutoff) ON c.hospital_id = d.hospital_id
         WHERE d.status <> 'pending' AND d.created_at < COALESCE(c.cutoff, $3::timestamptz)
         LIMIT $4
         FOR UPDATE OF d SKIP LOCKED
       ), attempts AS (
         DELETE FROM notifier.webhook_attempts a USING doomed WHERE a.delivery_id = doomed.id
       ), deleted AS (
         DELETE FROM notifier.webhook_deliveries d USING doomed WHERE d.id = doomed.id RETURNING 1
       )
       SELECT count(*)::int AS removed FROM deleted`,
      [
        policy.hospitals.map((hospital) => hospital.hospitalId),
        policy.hospitals.map((hospital) => cutoff(hospital.messagesDays)),
        cutoff(policy.defaults.messagesDays),
        limit,
      ],
    );
    return removed;
  }
}
