import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { IsTrustProxy } from './trust-proxy';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const POSTGRES_URL = /^postgres(ql)?:\/\/.+/;
const AMQP_URL = /^amqps?:\/\/.+/;

/** The metrics listener cannot share the gateway's HTTP port. */
@ValidatorConstraint({ name: 'differentFromPort' })
class DifferentFromPort implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    return value === undefined || value !== (args.object as { PORT?: number }).PORT;
  }
  defaultMessage(): string {
    return 'must differ from PORT (the gateway serves HTTP there)';
  }
}

/** Variables every service reads. */
export class ServiceEnv {
  @IsOptional() @Matches(AMQP_URL, { message: 'must be an amqp:// or amqps:// URL' }) AMQP_URL?: string;
  @IsIn(LOG_LEVELS) LOG_LEVEL: string = 'info';
  @IsInt() @Min(100) @Max(120_000) RPC_TIMEOUT_MS: number = 10_000;
  /** Prometheus text at `GET /metrics` on this port; unset, no metrics listener. Never the gateway's PORT. */
  @IsOptional() @IsInt() @Min(1) @Max(65535) @Validate(DifferentFromPort) METRICS_PORT?: number;
  @IsString() METRICS_HOST: string = '0.0.0.0';
  /** OTLP/HTTP collector (`/v1/traces` is appended); unset, no spans are recorded or exported. */
  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'must be an http(s) URL' },
  )
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
}

/** Services that own data. The embedded launcher sets DATABASE_URL before they start. */
export class DataServiceEnv extends ServiceEnv {
  @Matches(POSTGRES_URL, { message: 'must be a postgres:// URL' }) DATABASE_URL: string;
  @IsInt() @Min(1) @Max(200) DATABASE_POOL_SIZE: number = 10;
  /**
   * `false` for a connection pooler that cannot keep prepared statements (PgBouncer in transaction mode
   * before 1.21): each statement is then parsed and planned on every call.
   */
  @IsIn(['true', 'false']) DATABASE_PREPARED_STATEMENTS: 'true' | 'false' = 'true';
  /**
   * `true`: hospital connections may reach loopback addresses (127.0.0.0/8, ::1) — the embedded default's
   * simulator and tests. Link-local, unspecified and multicast addresses and the platform's own database and
   * broker stay refused (PRODUCT.md "Trust boundaries"). A string, not a boolean: `false` must mean false.
   */
  @IsIn(['true', 'false']) ALLOW_LOOPBACK_DESTINATIONS: 'true' | 'false' = 'false';
  /**
   * When a service prunes its message journal by the hospitals' retention (cron, UTC; `off`: never on this
   * instance). Every instance may run it: one run at a time across instances (advisory lock).
   */
  @Matches(/^(off|(\S+\s+){4,5}\S+)$/, { message: 'must be a cron expression (5 or 6 fields) or off' })
  RETENTION_CRON: string = '17 3 * * *';
}

/**
 * scrypt's N for new password hashes, as log2: 17 is current guidance for r = 8, p = 1 and the floor in
 * production. Test runs (NODE_ENV=test, which jest sets) may go down to 2^10, so suites that sign in
 * hundreds of times do not spend minutes hashing; the cost is stored in each hash either way.
 */
export const PASSWORD_SCRYPT_LOG2N_DEFAULT = 17;
const PASSWORD_SCRYPT_LOG2N_TEST_MIN = 10;

@ValidatorConstraint({ name: 'passwordCostFloor' })
class PasswordCostFloor implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const testRun = (args.object as { NODE_ENV?: string }).NODE_ENV === 'test';
    return typeof value === 'number' && (testRun || value >= PASSWORD_SCRYPT_LOG2N_DEFAULT);
  }
  defaultMessage(): string {
    return `must be at least ${PASSWORD_SCRYPT_LOG2N_DEFAULT} (lower only when NODE_ENV=test)`;
  }
}

const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=$/;
const BASE64_32_BYTES_LIST = /^[A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*$/;

/** Data services that store connection secrets: they seal them with SECRETS_KEY (PRODUCT.md "Secrets at rest"). */
export class SecretsDataServiceEnv extends DataServiceEnv {
  /** base64 of 32 random bytes (`openssl rand -base64 32`); seals every new and re-sealed secret. */
  @Matches(BASE64_32_BYTES, { message: 'must be base64 of exactly 32 bytes (openssl rand -base64 32)' })
  SECRETS_KEY: string;
  /** Comma-separated older keys, kept during a rotation so values sealed with them still open. */
  @IsOptional()
  @Matches(BASE64_32_BYTES_LIST, { message: 'must be comma-separated base64 keys of 32 bytes' })
  SECRETS_PREVIOUS_KEYS?: string;
}

export class GatewayEnv extends ServiceEnv {
  @IsInt() @Min(0) @Max(65535) PORT: number = 3000;
  @IsString() HOST: string = '0.0.0.0';
  @IsString() JWT_ISSUER: string = 'careflow-bridge';
  @IsString() JWT_AUDIENCE: string = 'careflow-bridge-api';
  /** Whose X-Forwarded-For counts: a hop count or proxy CIDRs (see trust-proxy.ts); unset, nobody's. */
  @IsOptional() @IsTrustProxy() TRUST_PROXY?: string;
  /**
   * How long the gateway trusts its last answer to "is this API client / SCIM token still active?".
   * Revocation reaches every instance within this interval (the contract asks for 60 s at most).
   */
  @IsInt() @Min(100) @Max(60_000) CREDENTIAL_CHECK_INTERVAL_MS: number = 30_000;
  /** How often the public signing keys are re-read from user-provisioning (a new kid is fetched at once). */
  @IsInt() @Min(1000) @Max(3_600_000) SIGNING_KEYS_REFRESH_MS: number = 60_000;
  /**
   * How long a refused sign-in, token request or login link waits before its answer (successes never
   * wait): a client that waits for each answer guesses at most once per delay per connection (R11).
   */
  @IsInt() @Min(0) @Max(10_000) FAILED_ATTEMPT_DELAY_MS: number = 1000;
}

export class UserProvisioningEnv extends DataServiceEnv {
  /** Encrypts the private signing keys user-provisioning generates and keeps in its schema. */
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  SIGNING_KEY_PASSPHRASE: string;
  /** The signing key is replaced when older than this; the old one keeps verifying until its tokens expired. */
  @IsInt() @Min(1) @Max(3650) SIGNING_KEY_MAX_AGE_DAYS: number = 30;
  @IsString() JWT_ISSUER: string = 'careflow-bridge';
  @IsString() JWT_AUDIENCE: string = 'careflow-bridge-api';
  @IsString() @MinLength(3) ADMIN_CLIENT_ID: string;
  @IsString() @MinLength(16, { message: 'must be at least 16 characters' }) ADMIN_CLIENT_SECRET: string;
  @IsInt() @Min(60) @Max(86_400) ACCESS_TOKEN_TTL_SECONDS: number = 3600;
  /** Base of the Care app links that login tokens open (`<CARE_APP_URL>/login#token=...`). */
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'must be an http(s) URL' },
  )
  CARE_APP_URL: string = 'http://localhost:3000/app';
  /** Login tokens are single-use links meant to be opened at once: minutes, not hours. */
  @IsInt() @Min(1) @Max(3600) LOGIN_TOKEN_TTL_SECONDS: number = 300;
  /** Care app sessions; deactivating the user revokes them before they expire. */
  @IsInt() @Min(60) @Max(86_400) SESSION_TTL_SECONDS: number = 28_800;
  /** Only `test` matters here: it lets PASSWORD_SCRYPT_LOG2N go below the production floor. */
  @IsOptional() @IsString() NODE_ENV?: string;
  @IsInt()
  @Min(PASSWORD_SCRYPT_LOG2N_TEST_MIN)
  @Max(20)
  @Validate(PasswordCostFloor)
  PASSWORD_SCRYPT_LOG2N: number = PASSWORD_SCRYPT_LOG2N_DEFAULT;
}

/** hl7-gateway keeps the listeners' TLS keys sealed with SECRETS_KEY (the key siu-ingestor seals them with). */
export class Hl7GatewayEnv extends SecretsDataServiceEnv {
  /** Interface the real-time SIU MLLP listeners bind to (the embedded default: 127.0.0.1). */
  @IsString() SIU_LISTENER_HOST: string = '0.0.0.0';
  /**
   * How often each instance re-reads its own table of wanted listeners (`hl7_gateway.siu_listeners`, fed by
   * `siu.listener.changed.v1`); the instance that takes an event applies it at once.
   */
  @IsInt() @Min(100) @Max(300_000) SIU_LISTENER_REFRESH_MS: number = 2000;
}
