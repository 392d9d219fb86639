// @bridge/hl7 — three layers (STYLE.md, after medplum): a pure model, the readers and builders
// the apps need on top of it, and MLLP transport that knows frames, not HL7.

// 1. Model: parse, access, escape, write, split batches. No I/O.
export { Hl7ParseError, Hl7BuildError } from './model/hl7.errors';
export type { Hl7ParseErrorCode, Hl7BuildErrorCode } from './model/hl7.errors';
export { parseHl7 } from './model/hl7.parser';
export type { Hl7ParseOptions } from './model/hl7.parser';
export { Hl7Message, Hl7Segment, Hl7Repetition } from './model/hl7-message';
export { DEFAULT_HL7_DELIMITERS } from './model/hl7-delimiters';
export type { Hl7Delimiters } from './model/hl7-delimiters';
export { encodeHl7, decodeHl7Bytes, resolveCharset, msh18ForCharset } from './model/hl7-charset';
export type { Hl7Charset } from './model/hl7-charset';
export { escapeHl7, unescapeHl7 } from './model/hl7-escape';
export type { Hl7Encoding } from './model/hl7-escape';
export { parseHl7Path, isHl7Path } from './model/hl7-path';
export type { Hl7Path } from './model/hl7-path';
export { readHl7Date, readHl7DateTime, formatHl7Timestamp } from './model/hl7-date';
export { encodeSegment, encodeField, encodeMessage } from './model/hl7.writer';
export type { Hl7FieldMap, Hl7FieldValue, Hl7RepetitionValue, Hl7ComponentValue } from './model/hl7.writer';
export { Hl7BatchSplitter, splitHl7Batch, splitHl7BatchSync } from './model/hl7-batch.splitter';
export type { Hl7BatchItem, Hl7BatchOptions } from './model/hl7-batch.splitter';

// 2. Application readers and builders (HL7-RULES.md).
export { groupsByPid } from './demographics/pid-group';
export {
  readDemographics,
  selectPatientCode,
  readSex,
  DEFAULT_PATIENT_ID_TYPES,
} from './demographics/demographics.reader';
export type {
  Demographics,
  DemographicsOptions,
  Hl7Address,
  Hl7Identifier,
  PidGroup,
  Sex,
} from './demographics/demographics.types';
export { buildQuery } from './query/query.builder';
export { readQueryReply, readErrorText } from './query/query-reply.reader';
export { deriveExampleQuery, fillExampleQuery, ExampleQueryError } from './query/example';
export type {
  DerivedQueryTemplate,
  ExampleQueryLayout,
  ExampleQueryProblem,
  ExampleSlot,
  ExampleTimestampFormat,
} from './query/example';
export type {
  Hl7QueryRequest,
  Hl7QueryStyle,
  Hl7QueryTemplate,
  QueryReply,
  QueryReplyErrorReason,
  QueryReplyOptions,
  QueryReplyStatus,
} from './query/query.types';
export { buildAck, buildRejectAck, recoverAckTarget, ackTargetOf } from './ack/ack.builder';
export type { AckCode, AckOptions, AckTarget, RejectAckOptions } from './ack/ack.types';
export { readSiuMessage, DEFAULT_SIU_EVENT_MAP } from './siu/siu-message.reader';
export { readSiuFrame } from './siu/siu-frame.reader';
export type { SiuReadResult } from './siu/siu-frame.reader';
export { compareFileNamesBytewise, planSiuEffect, siuDuplicateKey, tallySiuOutcomes } from './siu/siu-run';
export type { SiuEffect, SiuMessageOutcome, SiuRunCounts } from './siu/siu-run';
export type {
  SiuAction,
  SiuAppointment,
  SiuCareFlowRule,
  SiuPhysicianField,
  SiuSettings,
} from './siu/siu.types';

// 3. Transport: MLLP framing, client and server.
export { MllpError } from './mllp/mllp.errors';
export type { MllpErrorCode } from './mllp/mllp.errors';
export {
  MllpDecoder,
  encodeMllpFrame,
  MLLP_START,
  MLLP_END,
  MLLP_CARRIAGE_RETURN,
} from './mllp/mllp-frame.codec';
export type { MllpDecoderOptions } from './mllp/mllp-frame.codec';
export { MllpServer } from './mllp/mllp.server';
export type { MllpConnectionInfo, MllpReply, MllpServerOptions } from './mllp/mllp.server';
export { MllpClient, sendMllp } from './mllp/mllp.client';
export { MllpKeptConnections } from './mllp/mllp-kept-connections';
export type { KeptPeer, ReadReply } from './mllp/mllp-kept-connections';
export type { MllpClientOptions, SendMllpOptions } from './mllp/mllp.client';
