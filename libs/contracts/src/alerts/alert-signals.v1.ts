import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { HospitalScopedV1 } from '../patients/patients.rpc.v1';

/**
 * What notifier's alert evaluator asks the services that own the facts (ids, times and outcomes only,
 * never PHI). Each service answers for its own journal or connection.
 */

/** siu-ingestor: the hospital's SIU schedule and when a file last arrived. */
export class GetSiuSignalsRequestV1 extends HospitalScopedV1 {}

export interface SiuSignalsV1 {
  /** false: the hospital has no SIU connection (nothing is expected). */
  configured: boolean;
  /** cron, in `timezone`. */
  schedule?: string;
  timezone?: string;
  /** Whether the connection has a real-time MLLP listener. */
  listener: boolean;
  /** When the last file was taken from the source (any run). */
  lastFileAt?: string;
}

/** hl7-gateway and patient-import: the newest exchanges with the hospital's systems. */
export class GetExchangeSignalsRequestV1 extends HospitalScopedV1 {
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
}

export interface ExchangeOutcomeV1 {
  at: string;
  /** false: no usable reply (refused, timed out, connection or protocol error). */
  ok: boolean;
}

export interface ExchangeSignalsV1 {
  /** Finished outbound exchanges, newest first. */
  recent: ExchangeOutcomeV1[];
  /** hl7-gateway: when the hospital's real-time listener last received a message. */
  lastInboundAt?: string;
}
