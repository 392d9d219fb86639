import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsTimeZone,
  Length,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { IsDryRun, IsKeepSecrets } from '../common/config-write';
import { CHARSETS, IsPatientIdTypes } from '../hl7/hl7.rpc.v1';
import { HospitalScopedV1 } from '../patients/patients.rpc.v1';

export const SIU_SOURCE_TYPES = ['directory', 'sftp'] as const;
export const SIU_ACTIONS = ['start', 'update', 'stop', 'ignore'] as const;
export type SiuActionV1 = (typeof SIU_ACTIONS)[number];
export const SIU_PHYSICIAN_FIELDS = ['AIP-3.1', 'AIG-3.1', 'PV1-7.1'] as const;
export const SIU_DEMOGRAPHICS_MODES = ['message', 'query'] as const;
export const SIU_AFTER_PROCESSING = ['archive', 'delete'] as const;

/** PRODUCT.md and HL7-RULES.md defaults for every optional setting of an SIU connection. */
export const SIU_CONNECTION_DEFAULTS = {
  filePattern: '*',
  /** A file modified less than this long ago may still be being written: it is left for the next run. */
  minFileAgeMs: 30_000,
  afterProcessing: 'archive',
  schedule: '0 6 * * *',
  timezone: 'Europe/Brussels',
  charset: 'utf-8',
  physicianField: 'AIP-3.1',
  demographics: 'message',
} as const;

/** A cron expression of 5 fields (or 6, seconds first); the service checks it fully. */
const CRON_PATTERN = /^\S+( \S+){4,5}$/;
/** `SEG-n.c` (first occurrence, first repetition, component c), as in HL7-RULES rule 23. */
const FIELD_PATH_PATTERN = /^[A-Z][A-Z0-9]{2}-\d{1,3}(\.\d{1,3}){0,2}$/;
/** SHA-256 of the server's host key: OpenSSH's `SHA256:<base64>` form, plain base64, or hex. */
const HOST_KEY_PATTERN = /^((SHA256:)?[A-Za-z0-9+/]{43}=?|[0-9a-fA-F]{64})$/;
const EVENT_PATTERN = /^[A-Za-z][A-Za-z0-9]{2}$/;

/** `{S12: "start", ...}`: event codes (three characters) mapped to one of the four actions. */
function IsSiuEventMap(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSiuEventMap',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length <= 50 &&
          Object.entries(value).every(
            ([event, action]) =>
              EVENT_PATTERN.test(event) && (SIU_ACTIONS as readonly unknown[]).includes(action),
          ),
        defaultMessage: () => `eventMap must map event codes (e.g. S12) to one of ${SIU_ACTIONS.join(', ')}`,
      },
    },
    options,
  );
}

export class SiuSourceV1 {
  @ApiProperty({ enum: SIU_SOURCE_TYPES }) @IsIn(SIU_SOURCE_TYPES) type: (typeof SIU_SOURCE_TYPES)[number];
  @ApiProperty({ description: 'Directory (absolute path) or remote SFTP directory holding the SIU files' })
  @IsString()
  @Length(1, 1000)
  path: string;
  @ApiPropertyOptional()
  @ValidateIf((source: SiuSourceV1) => source.type === 'sftp')
  @IsString()
  @Length(1, 253)
  host?: string;
  @ApiPropertyOptional({ default: 22 })
  @ValidateIf((source: SiuSourceV1) => source.type === 'sftp' && source.port !== undefined)
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;
  @ApiPropertyOptional()
  @ValidateIf((source: SiuSourceV1) => source.type === 'sftp')
  @IsString()
  @Length(1, 100)
  username?: string;
  @ApiPropertyOptional({ description: 'Required for SFTP unless privateKey is given; never returned' })
  @ValidateIf((source: SiuSourceV1) => source.type === 'sftp' && source.privateKey === undefined)
  @IsString()
  @Length(1, 500)
  password?: string;
  @ApiPropertyOptional({ description: 'OpenSSH or PEM private key; never returned' })
  @IsOptional()
  @IsString()
  @Length(1, 20_000)
  privateKey?: string;
  @ApiPropertyOptional({ description: 'Passphrase of the private key; never returned' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  passphrase?: string;
  @ApiPropertyOptional({
    description:
      "Pinned SHA-256 of the server's host key (`SHA256:...` as ssh-keygen -l prints it, base64 or hex)",
  })
  @IsOptional()
  @Matches(HOST_KEY_PATTERN, {
    message: 'hostKeySha256 must be a SHA-256 fingerprint (SHA256:<base64>, base64 or hex)',
  })
  hostKeySha256?: string;
  @ApiPropertyOptional({
    description:
      'SFTP only: connect without checking the host key. Required (true) when hostKeySha256 is not given; ' +
      'shown as a warning in the console',
  })
  @IsOptional()
  @IsBoolean()
  insecureSkipHostKeyCheck?: boolean;
}

export class SiuCareFlowRuleV1 {
  @ApiProperty({ example: 'AIS-3.1' })
  @Matches(FIELD_PATH_PATTERN, { message: 'field must be an HL7 path like AIS-3.1' })
  field: string;
  @ApiProperty({ example: 'KNEE' }) @IsString() @Length(1, 200) value: string;
  @ApiProperty({ example: 'knee-replacement' }) @IsString() @Length(1, 100) careFlowDefinitionKey: string;
}

/** Listener defaults (PRODUCT.md "Real-time SIU listener"). */
export const SIU_LISTENER_DEFAULTS = {
  maxConnections: 16,
  idleTimeoutMs: 300_000,
  maxFrameBytes: 1024 * 1024,
} as const;

/** TLS of the listener: PEM certificate and key, and for mutual TLS the CAs client certificates must chain to. */
export class SiuListenerTlsV1 {
  @ApiProperty({ description: 'PEM certificate (chain) the listener presents' })
  @IsString()
  @Length(1, 100_000)
  cert: string;
  @ApiProperty({ description: 'PEM private key of the certificate; never returned' })
  @IsString()
  @Length(1, 100_000)
  key: string;
  @ApiPropertyOptional({ description: 'PEM CA certificates that client certificates must chain to' })
  @IsOptional()
  @IsString()
  @Length(1, 100_000)
  ca?: string;
  @ApiPropertyOptional({ default: false, description: 'Refuse clients without a certificate signed by ca' })
  @IsOptional()
  @IsBoolean()
  requireClientCert?: boolean;
}

export class SiuMllpListenerV1 {
  @ApiProperty() @IsInt() @Min(1) @Max(65535) port: number;
  @ApiPropertyOptional({
    description: 'CIDRs (or single addresses) that may connect; others are refused at connect. Unset: any.',
    example: ['10.20.0.0/16'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  allowedSources?: string[];
  @ApiPropertyOptional({ type: SiuListenerTlsV1 })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SiuListenerTlsV1)
  tls?: SiuListenerTlsV1;
  @ApiPropertyOptional({ default: SIU_LISTENER_DEFAULTS.maxConnections })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxConnections?: number;
  @ApiPropertyOptional({ default: SIU_LISTENER_DEFAULTS.idleTimeoutMs })
  @IsOptional()
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  idleTimeoutMs?: number;
  @ApiPropertyOptional({ default: SIU_LISTENER_DEFAULTS.maxFrameBytes })
  @IsOptional()
  @IsInt()
  @Min(1024)
  @Max(16 * 1024 * 1024)
  maxFrameBytes?: number;
}

/** The listener as GETs show it: the TLS key replaced by whether it is set. */
export interface SiuMllpListenerViewV1 extends Omit<SiuMllpListenerV1, 'tls'> {
  tls?: Omit<SiuListenerTlsV1, 'key'> & { keySet: boolean };
}

/** Body of PUT /v1/admin/hospitals/{id}/connections/siu (PRODUCT.md). */
export class SiuConnectionInputV1 {
  @ApiProperty({ type: SiuSourceV1 })
  @IsObject()
  @ValidateNested()
  @Type(() => SiuSourceV1)
  source: SiuSourceV1;
  @ApiPropertyOptional({
    default: SIU_CONNECTION_DEFAULTS.filePattern,
    description: 'Glob on file names (* and ?)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  filePattern?: string;
  @ApiPropertyOptional({ default: SIU_CONNECTION_DEFAULTS.minFileAgeMs })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  minFileAgeMs?: number;
  @ApiPropertyOptional({ enum: SIU_AFTER_PROCESSING, default: SIU_CONNECTION_DEFAULTS.afterProcessing })
  @IsOptional()
  @IsIn(SIU_AFTER_PROCESSING)
  afterProcessing?: (typeof SIU_AFTER_PROCESSING)[number];
  @ApiPropertyOptional({
    description: 'Where processed files go; default the `archive` folder inside the source path',
  })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  archivePath?: string;
  @ApiPropertyOptional({ default: SIU_CONNECTION_DEFAULTS.schedule, description: 'cron, in `timezone`' })
  @IsOptional()
  @Matches(CRON_PATTERN, { message: 'schedule must be a cron expression of 5 (or 6) fields' })
  schedule?: string;
  @ApiPropertyOptional({ default: SIU_CONNECTION_DEFAULTS.timezone })
  @IsOptional()
  @IsTimeZone()
  timezone?: string;
  @ApiPropertyOptional({ enum: CHARSETS, default: SIU_CONNECTION_DEFAULTS.charset })
  @IsOptional()
  @IsIn(CHARSETS)
  charset?: (typeof CHARSETS)[number];
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string', enum: [...SIU_ACTIONS] } })
  @IsOptional()
  @IsSiuEventMap()
  eventMap?: Record<string, SiuActionV1>;
  @ApiProperty({ type: [SiuCareFlowRuleV1] })
  @ArrayMaxSize(200)
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => SiuCareFlowRuleV1)
  careFlowMap: SiuCareFlowRuleV1[];
  @ApiPropertyOptional({ enum: SIU_PHYSICIAN_FIELDS, default: SIU_CONNECTION_DEFAULTS.physicianField })
  @IsOptional()
  @IsIn(SIU_PHYSICIAN_FIELDS)
  physicianField?: (typeof SIU_PHYSICIAN_FIELDS)[number];
  @ApiPropertyOptional({ enum: SIU_DEMOGRAPHICS_MODES, default: SIU_CONNECTION_DEFAULTS.demographics })
  @IsOptional()
  @IsIn(SIU_DEMOGRAPHICS_MODES)
  demographics?: (typeof SIU_DEMOGRAPHICS_MODES)[number];
  @ApiPropertyOptional({
    description: 'Assigning authority of the patient code in PID-3 (HL7-RULES rule 10)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  patientIdAuthority?: string;
  @IsPatientIdTypes() patientIdTypes?: string[];
  @ApiPropertyOptional({ type: SiuMllpListenerV1 })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SiuMllpListenerV1)
  mllpListener?: SiuMllpListenerV1;
}

export class PutSiuConnectionRequestV1 extends HospitalScopedV1 {
  @IsObject() @ValidateNested() @Type(() => SiuConnectionInputV1) connection: SiuConnectionInputV1;
  /** Check everything the PUT checks, store nothing. */
  @IsDryRun() dryRun?: boolean;
  /** Any of SIU_SECRET_PATHS (`source.password`, ...): keep the stored secret (see KEPT_SECRET_PLACEHOLDER). */
  @IsKeepSecrets() keepSecrets?: string[];
}

export class GetSiuConnectionRequestV1 extends HospitalScopedV1 {}

/** The stored connection as GETs show it: defaults filled in, secrets replaced by whether they are set. */
export interface SiuConnectionViewV1 extends Omit<
  Required<SiuConnectionInputV1>,
  'source' | 'archivePath' | 'eventMap' | 'patientIdAuthority' | 'mllpListener'
> {
  hospitalId: string;
  source: Omit<SiuSourceV1, 'password' | 'privateKey' | 'passphrase'> & {
    passwordSet?: boolean;
    privateKeySet?: boolean;
    /** Added in v1 for configuration export: whether the private key's passphrase is stored. */
    passphraseSet?: boolean;
  };
  archivePath?: string;
  /** The hospital's overrides; every other event follows the defaults (S12 start, S13/S14 update, S15/S17 stop, S26 ignore). */
  eventMap: Record<string, SiuActionV1>;
  patientIdAuthority?: string;
  mllpListener?: SiuMllpListenerViewV1;
  updatedAt: string;
}

/** A listener hl7-gateway runs: which hospital streams SIU over MLLP, on which port, in which charset (key opened). */
export interface SiuListenerV1 {
  hospitalId: string;
  port: number;
  charset: 'utf-8' | 'latin1';
  /** Optional since v1 grew them; hl7-gateway applies the defaults when missing. */
  allowedSources?: string[];
  tls?: SiuListenerTlsV1;
  maxConnections?: number;
  idleTimeoutMs?: number;
  maxFrameBytes?: number;
}
