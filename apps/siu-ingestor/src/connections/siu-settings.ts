import {
  DEFAULT_PATIENT_ID_TYPES,
  DomainError,
  SIU_CONNECTION_DEFAULTS,
  type FieldError,
  type SiuActionV1,
  type SiuConnectionInputV1,
  type SiuConnectionViewV1,
  type SiuMllpListenerV1,
  type SiuMllpListenerViewV1,
} from '@bridge/contracts';
import type { SiuSettings } from '@bridge/hl7';
import { CronTime } from 'cron';
import { isIP } from 'node:net';
import { isAbsolute } from 'node:path';
import { createSecureContext } from 'node:tls';

/** A connection with every default filled in: what runs and consumers read. Secrets included. */
export type SiuConnectionSettings = SiuConnectionInputV1 &
  Required<
    Pick<
      SiuConnectionInputV1,
      | 'filePattern'
      | 'minFileAgeMs'
      | 'afterProcessing'
      | 'schedule'
      | 'timezone'
      | 'charset'
      | 'physicianField'
      | 'demographics'
    >
  > & { eventMap: Record<string, SiuActionV1> };

/**
 * Every secret of an SIU connection (SFTP password, private key and its passphrase, the real-time
 * listener's TLS key): sealed in the connection row, never copied into a run, never returned.
 */
export const SIU_SECRET_PATHS = [
  'source.password',
  'source.privateKey',
  'source.passphrase',
  'mllpListener.tls.key',
] as const;

const SFTP_ONLY = [
  'host',
  'port',
  'username',
  'password',
  'privateKey',
  'passphrase',
  'hostKeySha256',
  'insecureSkipHostKeyCheck',
] as const;

/**
 * Checks what the payload class cannot (a cron expression, an absolute directory, no SFTP fields on a
 * directory) and fills the defaults of PRODUCT.md / HL7-RULES.md. Refusals carry field errors (400).
 */
export function resolveSiuSettings(input: SiuConnectionInputV1): SiuConnectionSettings {
  const errors: FieldError[] = [];
  const settings: SiuConnectionSettings = {
    ...input,
    source: { ...input.source },
    filePattern: input.filePattern ?? SIU_CONNECTION_DEFAULTS.filePattern,
    minFileAgeMs: input.minFileAgeMs ?? SIU_CONNECTION_DEFAULTS.minFileAgeMs,
    afterProcessing: input.afterProcessing ?? SIU_CONNECTION_DEFAULTS.afterProcessing,
    schedule: input.schedule ?? SIU_CONNECTION_DEFAULTS.schedule,
    timezone: input.timezone ?? SIU_CONNECTION_DEFAULTS.timezone,
    charset: input.charset ?? SIU_CONNECTION_DEFAULTS.charset,
    physicianField: input.physicianField ?? SIU_CONNECTION_DEFAULTS.physicianField,
    demographics: input.demographics ?? SIU_CONNECTION_DEFAULTS.demographics,
    eventMap: Object.fromEntries(
      Object.entries(input.eventMap ?? {}).map(([event, action]) => [event.toUpperCase(), action]),
    ),
    careFlowMap: input.careFlowMap.map(({ field, value, careFlowDefinitionKey }) => ({
      field,
      value,
      careFlowDefinitionKey,
    })),
  };
  const validity = CronTime.validateCronExpression(settings.schedule);
  if (!validity.valid)
    errors.push({ field: 'schedule', message: 'schedule must be a valid cron expression' });
  if (input.source.type === 'directory') {
    if (!isAbsolute(input.source.path)) {
      errors.push({ field: 'source.path', message: 'source.path of a directory source must be absolute' });
    }
    for (const field of SFTP_ONLY) {
      if (input.source[field] !== undefined) {
        errors.push({ field: `source.${field}`, message: `source.${field} is for sftp sources only` });
      }
    }
  }
  if (input.source.type === 'sftp') errors.push(...hostKeyProblems(input.source));
  if (
    input.archivePath !== undefined &&
    input.source.type === 'directory' &&
    !isAbsolute(input.archivePath)
  ) {
    errors.push({ field: 'archivePath', message: 'archivePath must be absolute for a directory source' });
  }
  if (input.source.type === 'sftp') {
    for (const [field, path] of [
      ['source.path', input.source.path],
      ['archivePath', input.archivePath],
    ] as const) {
      if (path !== undefined && path.split('/').includes('..')) {
        errors.push({ field, message: `${field} must not contain ".."` });
      }
    }
  }
  if (input.mllpListener) errors.push(...listenerProblems(input.mllpListener));
  if (input.afterProcessing === 'delete' && input.archivePath !== undefined) {
    errors.push({ field: 'archivePath', message: 'archivePath is not used when afterProcessing is delete' });
  }
  if (errors.length > 0) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `Invalid SIU connection: ${errors.map((e) => e.message).join('; ')}`,
      {
        errors,
      },
    );
  }
  return settings;
}

/**
 * An SFTP source names the server it trusts: a pinned host key, or an explicit, visible opt-out. A
 * silent "accept any key" would hand the SFTP password to whoever answers on the address.
 */
function hostKeyProblems(source: SiuConnectionInputV1['source']): FieldError[] {
  if (source.hostKeySha256 === undefined && source.insecureSkipHostKeyCheck !== true) {
    return [
      {
        field: 'source.hostKeySha256',
        message: 'source.hostKeySha256 is required for sftp (or set source.insecureSkipHostKeyCheck: true)',
      },
    ];
  }
  if (source.hostKeySha256 !== undefined && source.insecureSkipHostKeyCheck === true) {
    return [
      {
        field: 'source.insecureSkipHostKeyCheck',
        message: 'source.insecureSkipHostKeyCheck cannot be true when source.hostKeySha256 is pinned',
      },
    ];
  }
  return [];
}

/** The stored connection as GETs show it: secrets are never returned, only whether they are set. */
export function toSiuConnectionView(
  hospitalId: string,
  settings: SiuConnectionSettings,
  updatedAt: Date,
): SiuConnectionViewV1 {
  const { password, privateKey, passphrase, ...source } = settings.source;
  const { mllpListener: listener, ...rest } = settings;
  return {
    ...rest,
    ...(listener ? { mllpListener: listenerView(listener) } : {}),
    hospitalId,
    source: {
      ...source,
      ...(settings.source.type === 'sftp'
        ? {
            passwordSet: password !== undefined,
            privateKeySet: privateKey !== undefined,
            passphraseSet: passphrase !== undefined,
          }
        : {}),
    },
    // Filled here rather than stored: connections saved before the setting existed read the same way.
    patientIdTypes: [...(settings.patientIdTypes ?? DEFAULT_PATIENT_ID_TYPES)],
    updatedAt: updatedAt.toISOString(),
  };
}

/** What libs/hl7 needs to read a message of this hospital (rules 10, 20-24). */
export function siuReadSettings(settings: SiuConnectionSettings): SiuSettings {
  return {
    physicianField: settings.physicianField,
    careFlowMap: settings.careFlowMap,
    eventMap: settings.eventMap,
    ...(settings.patientIdAuthority ? { patientIdAuthority: settings.patientIdAuthority } : {}),
    patientIdTypes: settings.patientIdTypes ?? DEFAULT_PATIENT_ID_TYPES,
  };
}

/** The listener as GETs show it: the TLS key is never returned. */
function listenerView(listener: SiuMllpListenerV1): SiuMllpListenerViewV1 {
  const { tls, ...rest } = listener;
  if (!tls) return rest;
  const { key, ...certificates } = tls;
  return { ...rest, tls: { ...certificates, keySet: key !== undefined } };
}

/** Source CIDRs that parse, and a certificate and key that make a TLS context. */
function listenerProblems(listener: SiuMllpListenerV1): FieldError[] {
  const errors: FieldError[] = [];
  listener.allowedSources?.forEach((source, index) => {
    if (!parseSourceRange(source)) {
      errors.push({
        field: `mllpListener.allowedSources[${index}]`,
        message: 'allowedSources entries must be IP addresses or CIDRs (10.0.0.0/8, fd00::/8)',
      });
    }
  });
  if (listener.tls) {
    try {
      createSecureContext({
        cert: listener.tls.cert,
        key: listener.tls.key,
        ...(listener.tls.ca ? { ca: listener.tls.ca } : {}),
      });
    } catch (error) {
      errors.push({
        field: 'mllpListener.tls',
        message: `mllpListener.tls must hold a PEM certificate and its key (${(error as Error).message})`,
      });
    }
    if (listener.tls.requireClientCert && !listener.tls.ca) {
      errors.push({
        field: 'mllpListener.tls.ca',
        message: 'mllpListener.tls.ca is required with requireClientCert',
      });
    }
  }
  return errors;
}

/** `10.0.0.0/8`, `fd00::/8` or a single address; undefined when it does not parse. */
export function parseSourceRange(
  source: string,
): { network: string; prefix: number; type: 'ipv4' | 'ipv6' } | undefined {
  const [network, prefixText, ...rest] = source.trim().split('/');
  const version = isIP(network);
  if (rest.length > 0 || version === 0) return undefined;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d+$/.test(prefixText ?? String(max)) || prefix > max) return undefined;
  return { network, prefix, type: version === 4 ? 'ipv4' : 'ipv6' };
}
