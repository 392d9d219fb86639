import { Injectable } from '@nestjs/common';
import type { AlertChangedEventV1, AlertKind, AlertV1, ListAlertsRequestV1 } from '@bridge/contracts';
import { Outbox } from '@bridge/messaging';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';

interface AlertRow {
  id: string;
  hospital_id: string;
  kind: AlertKind;
  subject: string;
  state: 'open' | 'resolved';
  opened_at: Date;
  resolved_at: Date | null;
  detail: string;
}

export interface OpenAlert {
  id: string;
  kind: AlertKind;
  subject: string;
}

const COLUMNS = 'id, hospital_id, kind, subject, state, opened_at, resolved_at, detail';

const toView = (row: AlertRow): AlertV1 => ({
  id: row.id,
  hospitalId: row.hospital_id,
  kind: row.kind,
  state: row.state,
  openedAt: row.opened_at.toISOString(),
  ...(row.resolved_at ? { resolvedAt: row.resolved_at.toISOString() } : {}),
  detail: row.detail,
});

/**
 * Alerts open once and resolve once, whatever the number of evaluators: opening is an insert the partial
 * unique index `alerts_one_open` lets through once per hospital+kind+subject, resolving an update of an
 * open row; each writes its `alerts.alert.changed.v1` outbox row (and its journal line) in the same
 * transaction, so no change goes unannounced and none is announced twice.
 */
@Injectable()
export class AlertsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  async openAlerts(hospitalId: string): Promise<OpenAlert[]> {
    return this.dataSource.query(
      `SELECT id, kind, subject FROM notifier.alerts WHERE hospital_id = $1 AND state = 'open'`,
      [hospitalId],
    );
  }

  /** The opened alert, or undefined when one is already open for the same hospital, kind and subject. */
  async open(
    hospitalId: string,
    kind: AlertKind,
    subject: string,
    detail: string,
  ): Promise<AlertV1 | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const rows: AlertRow[] = await manager.query(
        `INSERT INTO notifier.alerts (id, hospital_id, kind, subject, state, opened_at, detail)
         VALUES ($1, $2, $3, $4, 'open', now(), $5)
         ON CONFLICT (hospital_id, kind, subject) WHERE state = 'open' DO NOTHING
         RETURNING ${COLUMNS}`,
        [randomUUID(), hospitalId, kind, subject, detail],
      );
      if (rows.length === 0) return undefined;
      await this.announce(manager, rows[0]);
      return toView(rows[0]);
    });
  }

  /** The resolved alert, or undefined when it was not open any more (another evaluator resolved it). */
  async resolve(alertId: string, why: string): Promise<AlertV1 | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const [rows]: [AlertRow[], number] = await manager.query(
        `UPDATE notifier.alerts SET state = 'resolved', resolved_at = now(), detail = detail || ' Resolved: ' || $2
         WHERE id = $1 AND state = 'open' RETURNING ${COLUMNS}`,
        [alertId, why],
      );
      if (rows.length === 0) return undefined;
      await this.announce(manager, rows[0]);
      return toView(rows[0]);
    });
  }

  async list(filter: ListAlertsRequestV1): Promise<AlertV1[]> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    if (filter.state) conditions.push(`state = $${parameters.push(filter.state)}`);
    if (filter.hospitalId) conditions.push(`hospital_id = $${parameters.push(filter.hospitalId)}`);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows: AlertRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM notifier.alerts ${where} ORDER BY opened_at DESC, id LIMIT $${parameters.push(filter.limit ?? 100)}`,
      parameters,
    );
    return rows.map(toView);
  }

  private async announce(manager: EntityManager, row: AlertRow): Promise<void> {
    const view = toView(row);
    const event: AlertChangedEventV1 = {
      alertId: view.id,
      hospitalId: view.hospitalId,
      kind: view.kind,
      state: view.state,
      openedAt: view.openedAt,
      ...(view.resolvedAt ? { resolvedAt: view.resolvedAt } : {}),
      detail: view.detail.slice(0, 2000),
    };
    const outboxId = await this.outbox.add(manager, 'alerts.alert.changed.v1', event);
    await manager.query(
      `INSERT INTO notifier.alert_events (alert_id, state, outbox_id) VALUES ($1, $2, $3)`,
      [row.id, row.state, outboxId],
    );
  }
}
