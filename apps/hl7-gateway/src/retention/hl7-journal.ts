import type { MessageLogTable, RetainedJournal } from '@bridge/database';

/** The HL7 exchange journal: raw query and reply are its bodies. */
export const HL7_JOURNAL: RetainedJournal & MessageLogTable = {
  schema: 'hl7_gateway',
  table: 'messages',
  bodyColumns: ['raw_out', 'raw_in'],
  logColumns: 'id, hospital_id, channel, direction, type, control_id, status, error, duration_ms, created_at',
};
