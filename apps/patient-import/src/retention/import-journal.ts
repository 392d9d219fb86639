import type { MessageLogTable, RetainedJournal } from '@bridge/database';

/**
 * The web-service exchange journal: request and response are its bodies. The patient trace goes with it:
 * one narrow row per event, kept as long as the hospital keeps its messages (messagesDays).
 */
export const IMPORT_JOURNAL: RetainedJournal & MessageLogTable = {
  schema: 'patient_import',
  table: 'messages',
  bodyColumns: ['raw_out', 'raw_in'],
  companionTables: ['patient_events'],
  logColumns: 'id, hospital_id, channel, direction, type, status, error, duration_ms, patient_id, created_at',
  touchedColumn: 'updated_at',
};
