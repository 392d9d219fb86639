import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  DomainError,
  keepStoredSecrets,
  type FieldError,
  type WebServiceConnectionInputV1,
  type WebServiceConnectionViewV1,
} from '@bridge/contracts';
import { DestinationPolicy } from '@bridge/config';
import { Bus } from '@bridge/messaging';
import { CUSTOM_MAPPABLE_FIELDS, CUSTOM_REQUIRED_FIELDS } from './custom-mapping.reader';
import {
  WEB_SERVICE_SECRETS,
  WebServiceConnectionsRepository,
  type StoredWebServiceConnection,
} from './webservice-connections.repository';
import { DEFAULT_TIMEOUT_MS, resolveTemplate } from './webservice-request.builder';

/** RFC 9110 token: what a header name may be. */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
/** Headers the platform sets itself; letting auth override them would break requests or routing. */
const RESERVED_HEADERS = [
  'host',
  'content-length',
  'content-type',
  'accept',
  'x-destination',
  'transfer-encoding',
  'connection',
];
const LINE_BREAK = /[\r\n\0]/;

@Injectable()
export class WebServiceConnectionsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('WebServiceConnectionsService');

  constructor(
    private readonly connections: WebServiceConnectionsRepository,
    private readonly bus: Bus,
    private readonly destinations: DestinationPolicy,
  ) {}

  /** After a SECRETS_KEY rotation, values of the previous key are re-sealed with the new one at start. */
  async onApplicationBootstrap(): Promise<void> {
    const resealed = await this.connections.resealAll();
    if (resealed > 0)
      this.logger.log(`re-sealed the secrets of ${resealed} web-service connections with the current key`);
  }

  /** Replaces the hospital's connection. The answer shows whether secrets are set, never the secrets. */
  async put(
    hospitalId: string,
    given: WebServiceConnectionInputV1,
    options: { dryRun?: boolean; keepSecrets?: string[] } = {},
  ): Promise<WebServiceConnectionViewV1> {
    await this.bus.requireHospital(hospitalId);
    // Kept secrets (a configuration document's `{"secret": "set"}`) are swapped in before anything reads them.
    const input = options.keepSecrets?.length
      ? keepStoredSecrets(given, options.keepSecrets, WEB_SERVICE_SECRETS.paths, await this.find(hospitalId))
      : given;
    const settings = normalise(input);
    assertUsable(settings);
    await this.assertDestinationsAllowed(settings);
    if (options.dryRun) return toView({ hospitalId, settings, updatedAt: new Date() });
    return toView(await this.connections.upsert(hospitalId, settings));
  }

  /**
   * Hosts written as addresses (or `localhost`) are checked now; names are checked on the address they
   * resolve to at each connect (WebServiceClient).
   */
  private async assertDestinationsAllowed(settings: WebServiceConnectionInputV1): Promise<void> {
    const urls: [string, string][] = [['baseUrl', settings.baseUrl]];
    if (settings.flavor === 'custom' && settings.custom) {
      urls.push(['custom.urlTemplate', resolveTemplate(settings.baseUrl, settings.custom.urlTemplate)]);
    }
    const errors: FieldError[] = [];
    for (const [field, text] of urls) {
      let url: URL;
      try {
        url = new URL(text.replace(/\{value\}|\{key\}/g, 'x'));
      } catch {
        continue; // assertUsable already named it
      }
      const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
      const reason = await this.destinations.configuredRefusal(url.hostname, port);
      if (reason) errors.push({ field, message: `${field} is refused: ${reason}` });
    }
    if (errors.length > 0) {
      throw new DomainError(
        'CONNECTION_DESTINATION_REFUSED',
        `Refused web-service destination: ${errors.map((e) => e.message).join('; ')}`,
        { errors },
      );
    }
  }

  async get(hospitalId: string): Promise<WebServiceConnectionViewV1> {
    const stored = await this.connections.find(hospitalId);
    if (!stored) throw new DomainError('NOT_FOUND', 'This hospital has no web-service connection.');
    return toView(stored);
  }

  /** The stored settings, secrets included, for the client; undefined when the hospital has none. */
  async find(hospitalId: string): Promise<WebServiceConnectionInputV1 | undefined> {
    return (await this.connections.find(hospitalId))?.settings;
  }
}

/** Keeps what the flavour and auth type use, so a secret sent for another auth type is not stored. */
function normalise(input: WebServiceConnectionInputV1): WebServiceConnectionInputV1 {
  const auth = input.auth ?? { type: 'none' as const };
  const settings: WebServiceConnectionInputV1 = {
    flavor: input.flavor,
    baseUrl: input.baseUrl,
    auth:
      auth.type === 'basic'
        ? { type: 'basic', username: auth.username, password: auth.password }
        : auth.type === 'bearer'
          ? { type: 'bearer', token: auth.token }
          : auth.type === 'header'
            ? { type: 'header', header: auth.header, value: auth.value }
            : { type: 'none' },
  };
  if (input.destination !== undefined) settings.destination = input.destination;
  if (input.timeoutMs !== undefined) settings.timeoutMs = input.timeoutMs;
  if (input.identifierSystems) {
    const { patientCode, visitNumber } = input.identifierSystems;
    settings.identifierSystems = {
      ...(patientCode !== undefined ? { patientCode } : {}),
      ...(visitNumber !== undefined ? { visitNumber } : {}),
    };
  }
  if (input.flavor === 'custom' && input.custom) {
    settings.custom = {
      urlTemplate: input.custom.urlTemplate,
      method: input.custom.method ?? 'GET',
      resultsPath: input.custom.resultsPath,
      fields: { ...input.custom.fields },
    };
  }
  return settings;
}

/** What the payload class cannot say: values that would make every request fail or leak. */
function assertUsable(settings: WebServiceConnectionInputV1): void {
  const errors: FieldError[] = [];
  const base = new URL(settings.baseUrl);
  if (base.username || base.password) {
    errors.push({ field: 'baseUrl', message: 'baseUrl must not carry credentials: use auth' });
  }
  const auth = settings.auth;
  if (auth?.type === 'header' && auth.header !== undefined) {
    if (!HEADER_NAME.test(auth.header))
      errors.push({ field: 'auth.header', message: 'auth.header must be an HTTP header name' });
    else if (RESERVED_HEADERS.includes(auth.header.toLowerCase())) {
      errors.push({
        field: 'auth.header',
        message: `auth.header cannot be ${auth.header}: the platform sets it`,
      });
    }
  }
  for (const [field, value] of [
    ['auth.username', auth?.username],
    ['auth.password', auth?.password],
    ['auth.token', auth?.token],
    ['auth.value', auth?.value],
    ['destination', settings.destination],
  ] as const) {
    if (value !== undefined && LINE_BREAK.test(value))
      errors.push({ field, message: `${field} must not contain line breaks` });
  }
  if (auth?.type === 'basic' && auth.username?.includes(':')) {
    errors.push({ field: 'auth.username', message: 'auth.username must not contain ":" (basic auth)' });
  }
  if (settings.flavor === 'custom' && settings.custom)
    errors.push(...customProblems(settings.baseUrl, settings.custom));
  if (errors.length > 0) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `Invalid web-service connection: ${errors.map((e) => e.message).join('; ')}`,
      {
        errors,
      },
    );
  }
}

function customProblems(
  baseUrl: string,
  custom: NonNullable<WebServiceConnectionInputV1['custom']>,
): FieldError[] {
  const errors: FieldError[] = [];
  if (!custom.urlTemplate.includes('{value}')) {
    errors.push({ field: 'custom.urlTemplate', message: 'custom.urlTemplate must contain {value}' });
  }
  const sample = resolveTemplate(baseUrl, custom.urlTemplate).replace(/\{value\}|\{key\}/g, 'x');
  if (!isHttpUrl(sample)) {
    errors.push({ field: 'custom.urlTemplate', message: 'custom.urlTemplate must give an http(s) URL' });
  }
  for (const [field, path] of Object.entries(custom.fields)) {
    if (!(CUSTOM_MAPPABLE_FIELDS as readonly string[]).includes(field)) {
      errors.push({
        field: `custom.fields.${field}`,
        message: `${field} is not a patient field that can be mapped`,
      });
    } else if (typeof path !== 'string' || path.trim() === '' || path.length > 200) {
      errors.push({
        field: `custom.fields.${field}`,
        message: `custom.fields.${field} must be a dotted path`,
      });
    }
  }
  for (const field of CUSTOM_REQUIRED_FIELDS) {
    if (!(field in custom.fields))
      errors.push({ field: `custom.fields.${field}`, message: `custom.fields.${field} is required` });
  }
  return errors;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password;
  } catch {
    return false;
  }
}

function toView(stored: StoredWebServiceConnection): WebServiceConnectionViewV1 {
  const { auth, ...settings } = stored.settings;
  const type = auth?.type ?? 'none';
  return {
    hospitalId: stored.hospitalId,
    ...settings,
    timeoutMs: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    auth: {
      type,
      ...(auth?.username !== undefined ? { username: auth.username } : {}),
      ...(auth?.header !== undefined ? { header: auth.header } : {}),
      secretSet: Boolean(auth?.password ?? auth?.token ?? auth?.value),
    },
    updatedAt: stored.updatedAt.toISOString(),
  };
}
