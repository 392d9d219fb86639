import type { MessageLogTable, RetainedJournal } from '@bridge/database';

/** SIU messages (file and real-time): the HL7 bytes are the body. */
export const SIU_JOURNAL: RetainedJournal & MessageLogTable = {
  schema: 'siu_ingestor',
  table: 'siu_messages',
  bodyColumns: ['raw'],
  // A message not processed yet (no outcome) still needs its bytes.
  bodyNeededWhile: `NOT EXISTS (SELECT 1 FROM siu_ingestor.siu_message_outcomes o
    WHERE o.hospital_id = t.hospital_id AND o.message_id = t.id)`,
  // Real-time dedupe receipts and outcomes go with their messages.
  companionTables: ['siu_realtime_receipts', 'siu_message_outcomes'],
  logColumns:
    'id, hospital_id, channel, type, control_id, status, reason, patient_id, care_flow_id, created_at',
  // Every SIU message comes in.
  onlyDirection: 'inbound',
};

/** The message log reads messages with their outcomes (`siu_message_log`, a view joining the two). */
export const SIU_MESSAGE_LOG: MessageLogTable = { ...SIU_JOURNAL, table: 'siu_message_log' };
