import { OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBase64,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { CHARSETS } from '../hl7/hl7.rpc.v1';
import { SiuListenerTlsV1, SiuMllpListenerV1 } from './siu-connection.v1';

export const SIU_CHANNELS = ['siu-file', 'siu-mllp'] as const;

/**
 * One SIU message to process (ARCHITECTURE.md "SIU batch"), outside a file: a real-time MLLP listener
 * publishes it after journaling the message (as siu-ingestor cannot read another service's journal, it
 * carries the message bytes, `raw`, base64, which siu-ingestor stores on first delivery), and a reprocessed
 * message is published again with it. A file's messages go as `siu.slice.stored.v1`. Files published this
 * event per message before that one existed; such events still pending at an upgrade are processed alike.
 */
export class SiuMessageReceivedEventV1 {
  @IsUUID('all') hospitalId: string;
  /** siu-ingestor's message id (siu-file), or the listener's journal id (siu-mllp). */
  @IsUUID('all') messageId: string;
  @IsIn(SIU_CHANNELS) channel: (typeof SIU_CHANNELS)[number];
  @IsOptional() @IsBase64() @MaxLength(22_369_624) raw?: string;
}

/** Messages per `siu.slice.stored.v1` event: a consumer's batch (SIU_APPLY_BATCH's default). */
export const SIU_SLICE_MESSAGES = 100;

/**
 * Messages of a file that siu-ingestor stored, to process, in file order: published in the same transaction
 * as the messages, one event per SIU_SLICE_MESSAGES of them. One event per message cost every message an
 * outbox row, a broker message and a delivery of its own (issue 17); the slice is processed as one batch and
 * retried as one, and a message already processed in it is skipped. Ids only, never demographics.
 */
export class SiuSliceStoredEventV1 {
  @IsUUID('all') hospitalId: string;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SIU_SLICE_MESSAGES)
  @IsUUID('all', { each: true })
  messageIds: string[];
}

/**
 * A secret sealed by its sender with the platform's SECRETS_KEY (AES-256-GCM, libs/database SecretBox),
 * bound to the event name and the hospital. Lets a secret travel through an outbox row and the broker
 * without being readable there.
 */
export class SealedSecretV1 {
  @IsIn(['aes-256-gcm']) sealed: 'aes-256-gcm';
  @IsString() @Length(1, 64) kid: string;
  @IsBase64() @Length(1, 64) iv: string;
  @IsBase64() @MaxLength(200_000) data: string;
}

/** The listener's TLS as the event carries it: the private key sealed. */
export class SiuListenerTlsSealedV1 extends OmitType(SiuListenerTlsV1, ['key'] as const) {
  @IsObject() @ValidateNested() @Type(() => SealedSecretV1) key: SealedSecretV1;
}

/** One hospital's real-time listener as the event carries it (the connection's `mllpListener` and charset). */
export class SiuListenerSettingsV1 extends OmitType(SiuMllpListenerV1, ['tls'] as const) {
  @IsIn(CHARSETS) charset: (typeof CHARSETS)[number];
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SiuListenerTlsSealedV1)
  tls?: SiuListenerTlsSealedV1;
}

/**
 * A hospital's real-time SIU listener changed (set, moved, reconfigured or removed: `listener` null).
 * Published by siu-ingestor through its outbox in the transaction that saves the SIU connection;
 * hl7-gateway keeps the latest per hospital and runs the listeners from its own table. `version` grows
 * with every save (a sequence taken under the save's lock): an event older than the one applied is ignored,
 * so redeliveries and reordering cannot bring back an old listener.
 */
export class SiuListenerChangedEventV1 {
  @IsUUID('all') hospitalId: string;
  @IsInt() @Min(1) version: number;
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SiuListenerSettingsV1)
  listener: SiuListenerSettingsV1 | null;
}
