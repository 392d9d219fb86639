import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { HospitalScopedV1 } from '../patients/patients.rpc.v1';

export const SIU_RUN_TRIGGERS = ['schedule', 'manual'] as const;
export const SIU_RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;

/** One message (or file) of a run that could not be processed; `controlId` is '' for file-level problems. */
export interface SiuRunFailureV1 {
  file: string;
  controlId: string;
  reason: string;
  /** The message-log entry, for `POST /v1/admin/messages/{id}/reprocess` (absent for file-level problems). */
  messageId?: string;
}

/**
 * PRODUCT.md SiuRun. Counts are live while the run is `running`. `messagesReceived` counts the messages the
 * run stored; each ends processed (duplicates included, rule 28) or failed.
 */
export interface SiuRunV1 {
  id: string;
  hospitalId: string;
  trigger: (typeof SIU_RUN_TRIGGERS)[number];
  status: (typeof SIU_RUN_STATUSES)[number];
  startedAt: string;
  finishedAt?: string;
  files: number;
  messagesReceived: number;
  messagesProcessed: number;
  messagesFailed: number;
  messagesDuplicate: number;
  patientsCreated: number;
  careFlowsStarted: number;
  careFlowsUpdated: number;
  careFlowsStopped: number;
  failures: SiuRunFailureV1[];
  /** Why the run as a whole failed (source unreachable, interrupted), when it did. */
  error?: string;
}

/** Run now (PRODUCT.md `POST .../siu-runs`); the run goes on in the background. */
export class StartSiuRunRequestV1 extends HospitalScopedV1 {
  @IsOptional() @IsIn(SIU_RUN_TRIGGERS) trigger?: (typeof SIU_RUN_TRIGGERS)[number];
}

export class ListSiuRunsRequestV1 extends HospitalScopedV1 {
  @IsOptional() @IsInt() @Min(1) @Max(100) limit?: number;
}

export class GetSiuRunRequestV1 extends HospitalScopedV1 {
  @IsUUID('all') runId: string;
}

/** Reprocess one failed SIU message of the message log (admin; the message id names the hospital). */
export class ReprocessMessageRequestV1 {
  @IsUUID('all') messageId: string;
}
