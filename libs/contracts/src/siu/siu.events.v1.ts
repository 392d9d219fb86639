import { IsBase64, IsIn, IsOptional, IsUUID, MaxLength } from 'class-validator';

export const SIU_CHANNELS = ['siu-file', 'siu-mllp'] as const;

/**
 * One SIU message to process (ARCHITECTURE.md "SIU batch"): published by siu-ingestor for every message
 * it stored from a file, in the same transaction as the message. A real-time MLLP listener publishes the
 * same event after journaling the message; as siu-ingestor cannot read another service's journal, that
 * event carries the message bytes (`raw`, base64), which siu-ingestor stores on first delivery.
 * Events carry ids, never demographics: the file channel leaves the bytes in siu-ingestor's own tables.
 */
export class SiuMessageReceivedEventV1 {
  @IsUUID('all') hospitalId: string;
  /** siu-ingestor's message id (siu-file), or the listener's journal id (siu-mllp). */
  @IsUUID('all') messageId: string;
  @IsIn(SIU_CHANNELS) channel: (typeof SIU_CHANNELS)[number];
  @IsOptional() @IsBase64() @MaxLength(22_369_624) raw?: string;
}
