import type { MessageLogTable, RetainedJournal } from '@bridge/database';

/**
 * The web-service exchange journal: request and response are its bodies. The patient trace goes with it:
 * one narrow row per event, kept as long as the hospital keeps its messages (messagesDays), except the rows
 * of applied SIU messages (`result` set): they are also the messages' claims (rule 27) and their
 * appointments' histories, which the platform keeps as long as it applies SIU messages.
 */
export const IMPORT_JOURNAL: RetainedJournal & MessageLogTable = {
  schema: 'patient_import',
  table: 'messages',
  bodyColumns: ['raw_out', 'raw_in'],
  companionTables: [{ table: 'patient_events', prunable: 't.result IS NULL' }],
  logColumns: 'id, hospital_id, channel, direction, type, status, error, duration_ms, patient_id, created_at',
  touchedColumn: 'updated_at',
};
