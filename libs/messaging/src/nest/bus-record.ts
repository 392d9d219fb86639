/**
 * What the bus carries besides the payload, passed to `ClientProxy.send`/`emit` wrapped around the data
 * (as Nest's own RmqRecord does). Without a record the client makes a fresh message id and takes the
 * correlation id of the current scope.
 */
export interface BusRecordOptions {
  /** Events: the id consumers dedupe on (the outbox row id). */
  messageId?: string;
  correlationId?: string;
  /** Events: the trace the outbox row was written in, continued by the publish. */
  traceparent?: string;
  /** RPC: how long the caller waits for the reply. */
  timeoutMs?: number;
}

export class BusRecord<T = unknown> {
  constructor(
    readonly data: T,
    readonly options: BusRecordOptions = {},
  ) {}
}
