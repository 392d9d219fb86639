import type { MessageLogTable, RetainedJournal } from '@bridge/database';

/** SIU messages (file and real-time): the HL7 bytes are the body. */
export const SIU_JOURNAL: RetainedJournal & MessageLogTable = {
  schema: 'siu_ingestor',
  table: 'siu_messages',
  bodyColumns: ['raw'],
  // A message not processed yet still needs its bytes.
  bodyNeededWhile: "t.status = 'received'",
  // Real-time dedupe receipts go with their messages.
  companionTables: ['siu_realtime_receipts'],
  logColumns:
    'id, hospital_id, channel, type, control_id, status, reason, patient_id, care_flow_id, created_at',
  // Every SIU message comes in.
  onlyDirection: 'inbound',
};
