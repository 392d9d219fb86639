import type { RetainedJournal } from '@bridge/database';

/** The HL7 exchange journal: raw query and reply are its bodies. */
export const HL7_JOURNAL: RetainedJournal = {
  schema: 'hl7_gateway',
  table: 'messages',
  bodyColumns: ['raw_out', 'raw_in'],
};
