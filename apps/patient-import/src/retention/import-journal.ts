import type { RetainedJournal } from '@bridge/database';

/**
 * The web-service exchange journal: request and response are its bodies. The patient trace goes with it:
 * one narrow row per event, kept as long as the hospital keeps its messages (messagesDays).
 */
export const IMPORT_JOURNAL: RetainedJournal = {
  schema: 'patient_import',
  table: 'messages',
  bodyColumns: ['raw_out', 'raw_in'],
  companionTables: ['patient_events'],
};
