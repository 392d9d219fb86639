import { Injectable } from '@nestjs/common';
import type {
  LoginLinkEventV1,
  PatientTraceChannel,
  PatientTraceEventV1,
  PatientTraceKind,
  PatientTraceV1,
} from '@bridge/contracts';
import type { EntityManager } from 'typeorm';

export interface NewPatientEvent {
  patientId: string;
  kind: PatientTraceKind;
  channel?: PatientTraceChannel;
  messageId?: string;
  careFlowId?: string;
  summary: string;
  /** An SIU batch event's position, on the patient's last row of the batch (BatchPositions.carry). */
  eventPosition?: string;
  /** Entries that follow this one, at its time, by its channel, message and care flow, stored on its row. */
  moreEntries?: MoreEntry[];
}

/** An entry stored on the row of the entry before it (an SIU message's care-flow changes). */
export interface MoreEntry {
  kind: PatientTraceKind;
  summary: string;
}

interface PatientEventRow {
  seq: string;
  created_at: Date;
  /** created_at in microseconds since the epoch: a Date keeps only milliseconds, the cursor needs all. */
  at_us: string;
  kind: PatientTraceKind;
  channel: PatientTraceChannel | null;
  message_id: string | null;
  care_flow_id: string | null;
  summary: string;
  more_entries: MoreEntry[] | null;
}

/** Where a page ended: after the row at (time, seq), or after its first `entries` entries (`MoreEntry`). */
interface TracePosition {
  atMicros: string;
  seq: string;
  entries?: number;
}

const LOGIN_LINK_ISSUED = 'Login link issued, opening on this patient';

/** Named queries on the patient trace; every one takes the hospital id (tenancy is structural). */
@Injectable()
export class PatientEventsRepository {
  /**
   * A login link names the patient by code; a code the hospital's patients do not have leaves no trace.
   * A link issued before its patient existed could not be traced then: its sign-in (`used`, which names
   * when the link was issued) writes the issue too, at its own time, if the patient came later. Each row is
   * written once, whichever of the two events comes first (matched on patient, time and text).
   */
  async recordLoginLink(
    manager: EntityManager,
    event: LoginLinkEventV1,
    step: 'issued' | 'used',
  ): Promise<void> {
    const missedIssue = step === 'used' && event.issuedAt ? event.issuedAt : null;
    await manager.query(
      `INSERT INTO patient_import.patient_events (hospital_id, patient_id, created_at, kind, channel, summary)
       SELECT p.hospital_id, p.id, line.at, 'login-link', 'api', line.summary
       FROM patient_import.patients p
       CROSS JOIN (VALUES ($3::timestamptz, $4, false), ($5::timestamptz, $6, true)) AS line (at, summary, late)
       WHERE p.hospital_id = $1 AND p.patient_code = $2 AND line.at IS NOT NULL
         AND (NOT line.late OR p.created_at > line.at)
         AND NOT EXISTS (
           SELECT 1 FROM patient_import.patient_events e
           WHERE e.hospital_id = p.hospital_id AND e.patient_id = p.id AND e.kind = 'login-link'
             AND e.created_at = line.at AND e.summary = line.summary)`,
      [
        event.hospitalId,
        event.patientCode,
        event.at,
        step === 'issued' ? LOGIN_LINK_ISSUED : 'Login link used: a user signed in onto this patient',
        missedIssue,
        LOGIN_LINK_ISSUED,
      ],
    );
  }

  async patientExists(manager: EntityManager, hospitalId: string, patientId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM patient_import.patients WHERE hospital_id = $1 AND id = $2`,
      [hospitalId, patientId],
    );
    return rows.length > 0;
  }

  /**
   * Oldest first; `cursor` is the position of the last event of the previous page. A row is one entry and
   * its `more_entries`; a page may end inside a row, and the next starts there (the cursor counts the row's
   * entries already given). Every row gives at least one entry, so `limit + 1` rows fill a page and tell
   * whether another follows.
   */
  async page(
    manager: EntityManager,
    hospitalId: string,
    patientId: string,
    page: { cursor?: string; limit: number },
  ): Promise<PatientTraceV1> {
    const after = page.cursor ? positionOfCursor(page.cursor) : undefined;
    const rows: PatientEventRow[] = await manager.query(
      `SELECT seq, created_at, (extract(epoch FROM created_at) * 1000000)::bigint AS at_us,
              kind, channel, message_id, care_flow_id, summary, more_entries
         FROM patient_import.patient_events
        WHERE hospital_id = $1 AND patient_id = $2
          AND ($3::bigint IS NULL
               OR (created_at, seq) > ('epoch'::timestamptz + $3::bigint * interval '1 microsecond', $4::bigint)
               OR ($5 AND (created_at, seq) = ('epoch'::timestamptz + $3::bigint * interval '1 microsecond', $4::bigint)))
        ORDER BY created_at, seq LIMIT $6`,
      [
        hospitalId,
        patientId,
        after?.atMicros ?? null,
        after?.seq ?? null,
        after?.entries !== undefined,
        page.limit + 1,
      ],
    );
    const entries = rows.flatMap((row) =>
      entriesOf(row)
        .map((view, index) => ({ view, position: positionAfter(row, index) }))
        .filter((_, index) => row.seq !== after?.seq || index >= (after.entries ?? 0)),
    );
    const events = entries.slice(0, page.limit);
    const last = entries.length > page.limit ? events[events.length - 1] : undefined;
    return {
      events: events.map((entry) => entry.view),
      ...(last ? { nextCursor: cursorOf(last.position) } : {}),
    };
  }
}

/** Where a page that ends with entry `index` of `row` ended. */
function positionAfter(row: PatientEventRow, index: number): TracePosition {
  const whole = index === (row.more_entries?.length ?? 0);
  return { atMicros: row.at_us, seq: row.seq, ...(whole ? {} : { entries: index + 1 }) };
}

/**
 * Opaque to callers: the last event's position (time, then seq, then how many of the row's entries were given
 * when not all); a cursor that does not decode starts over.
 */
function cursorOf(position: TracePosition): string {
  const entries = position.entries === undefined ? '' : `.${position.entries}`;
  return Buffer.from(`${position.atMicros}.${position.seq}${entries}`).toString('base64url');
}

function positionOfCursor(cursor: string): TracePosition | undefined {
  const match = /^(-?\d{1,19})\.(\d{1,19})(?:\.(\d{1,3}))?$/.exec(
    Buffer.from(cursor, 'base64url').toString(),
  );
  if (!match) return undefined;
  // seq in its canonical form: it is matched against the rows' seq as text (page's filter).
  const seq = BigInt(match[2]).toString();
  return { atMicros: match[1], seq, ...(match[3] ? { entries: Number(match[3]) } : {}) };
}

/** A row's entries: its own, then those stored on it, each with the row's time, channel, message and care flow. */
function entriesOf(row: PatientEventRow): PatientTraceEventV1[] {
  const view = (kind: PatientTraceKind, summary: string): PatientTraceEventV1 => ({
    at: row.created_at.toISOString(),
    kind,
    ...(row.channel ? { channel: row.channel } : {}),
    ...(row.message_id ? { messageId: row.message_id } : {}),
    ...(row.care_flow_id ? { careFlowId: row.care_flow_id } : {}),
    summary,
  });
  return [
    view(row.kind, row.summary),
    ...(row.more_entries ?? []).map((entry) => view(entry.kind, entry.summary)),
  ];
}
