// Test-only: patient-import's Outbox as the specs that build services and repositories by hand need it (no relay listens).
import { Outbox } from '@bridge/messaging';
import { PATIENT_IMPORT_SCHEMA } from './patient-import.schema';

export function patientImportTestOutbox(): Outbox {
  return new Outbox({
    service: 'patient-import',
    schema: PATIENT_IMPORT_SCHEMA,
    rpcTimeoutMs: 1000,
    outboxPollMs: 1000,
    outboxIdlePollMs: 1000,
  });
}
