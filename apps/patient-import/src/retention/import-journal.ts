import type { RetainedJournal } from '@bridge/database';

/** The web-service exchange journal: request and response are its bodies. */
export const IMPORT_JOURNAL: RetainedJournal = {
  schema: 'patient_import',
  table: 'messages',
  bodyColumns: ['raw_out', 'raw_in'],
};
