// Test-only: siu-ingestor's Outbox as the specs that build repositories by hand need it (no relay listens).
import { Outbox } from '@bridge/messaging';
import { SIU_INGESTOR_SCHEMA } from './siu-ingestor.module';

export function siuTestOutbox(): Outbox {
  return new Outbox({
    service: 'siu-ingestor',
    schema: SIU_INGESTOR_SCHEMA,
    rpcTimeoutMs: 1000,
    outboxPollMs: 1000,
    outboxIdlePollMs: 1000,
  });
}
