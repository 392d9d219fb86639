import { DomainError, type LookupKey, type WebServiceConnectionInputV1 } from '@bridge/contracts';
import type { WebServiceRequest } from './webservice.client';

export const IDENTIFIER_TYPE_CODES: Record<LookupKey, string> = { patientCode: 'MR', visitNumber: 'VN' };
export const DEFAULT_TIMEOUT_MS = 5000;

export interface Lookup {
  by: LookupKey;
  value: string;
}

/**
 * The HTTP request a lookup becomes for the hospital's flavour (PRODUCT.md "Import via web service"):
 * - pdq: `GET {baseUrl}/Patient?identifier:of-type={system}|{MR|VN}|{value}`, where system is the issuer of the
 *   identifier (identifierSystems); without one it is left empty, which asks for that type of id from any issuer;
 * - fhir: `GET {baseUrl}/Patient?identifier={system}|{value}` (system: identifierSystems; without one the
 *   token is the bare value, which FHIR matches in any system);
 * - custom: the URL template with `{value}` / `{key}`, GET or POST (POST sends `{"<key>": "<value>"}`).
 * Every value is URL-encoded and FHIR-escaped, so a `|`, `&` or `#` in a hospital id cannot change the query.
 */
export function buildWebServiceRequest(
  connection: WebServiceConnectionInputV1,
  lookup: Lookup,
): WebServiceRequest {
  const headers: Record<string, string> = {
    accept: connection.flavor === 'fhir' ? 'application/fhir+json, application/json' : 'application/json',
  };
  const secretHeaders: string[] = [];
  const auth = connection.auth;
  if (auth?.type === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${auth.username ?? ''}:${auth.password ?? ''}`, 'utf8').toString('base64')}`;
    secretHeaders.push('authorization');
  } else if (auth?.type === 'bearer') {
    headers.authorization = `Bearer ${auth.token ?? ''}`;
    secretHeaders.push('authorization');
  } else if (auth?.type === 'header' && auth.header) {
    headers[auth.header.toLowerCase()] = auth.value ?? '';
    secretHeaders.push(auth.header.toLowerCase());
  }
  if (connection.destination) headers['x-destination'] = connection.destination;

  if (connection.flavor === 'custom' && connection.custom) {
    const method = connection.custom.method ?? 'GET';
    const url = fillTemplate(resolveTemplate(connection.baseUrl, connection.custom.urlTemplate), lookup);
    if (method === 'POST') {
      headers['content-type'] = 'application/json';
      return { method, url, headers, body: JSON.stringify({ [lookup.by]: lookup.value }), secretHeaders };
    }
    return { method, url, headers, secretHeaders };
  }
  const parameter =
    connection.flavor === 'pdq'
      ? `identifier:of-type=${encodeURIComponent(
          [
            fhirEscape(connection.identifierSystems?.[lookup.by] ?? ''),
            IDENTIFIER_TYPE_CODES[lookup.by],
            fhirEscape(lookup.value),
          ].join('|'),
        )}`
      : `identifier=${encodeURIComponent(fhirToken(connection.identifierSystems?.[lookup.by], lookup.value))}`;
  return {
    method: 'GET',
    url: withQuery(patientEndpoint(connection.baseUrl), parameter),
    headers,
    secretHeaders,
  };
}

/** The request as the journal keeps it: method, URL and headers, every secret replaced. */
export function describeRequest(request: WebServiceRequest): string {
  const headers = Object.entries(request.headers).map(
    ([name, value]) =>
      `${name}: ${request.secretHeaders.includes(name) ? redactedValue(name, value) : value}`,
  );
  return [`${request.method} ${request.url}`, ...headers, ...(request.body ? ['', request.body] : [])].join(
    '\n',
  );
}

function redactedValue(name: string, value: string): string {
  // Keep the scheme ("Basic", "Bearer"): it tells an engineer which auth went out without giving it away.
  const scheme = name === 'authorization' ? /^(\w+)\s/.exec(value)?.[1] : undefined;
  return scheme ? `${scheme} [redacted]` : '[redacted]';
}

function patientEndpoint(baseUrl: string): URL {
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/Patient`;
  return url;
}

function withQuery(url: URL, parameter: string): string {
  url.search = url.search ? `${url.search}&${parameter}` : `?${parameter}`;
  return url.toString();
}

function fhirToken(system: string | undefined, value: string): string {
  return system ? `${fhirEscape(system)}|${fhirEscape(value)}` : fhirEscape(value);
}

/** FHIR search escaping: `\`, `|`, `,` and `$` are literal only when preceded by `\`. */
function fhirEscape(value: string): string {
  return value.replace(/[\\|,$]/g, (character) => `\\${character}`);
}

/** A template that is not an absolute URL is relative to the connection's base URL. */
export function resolveTemplate(baseUrl: string, template: string): string {
  if (/^https?:\/\//i.test(template)) return template;
  const base = baseUrl.replace(/\/+$/, '');
  return template.startsWith('/') || template.startsWith('?') ? `${base}${template}` : `${base}/${template}`;
}

/**
 * The template with the lookup filled in. `.` and `..` are refused (URL-encoding leaves them as they are, and
 * `/api/patients/{value}/x` with `..` would become another path on the hospital's server, sent with its
 * credentials), and the final URL must stay under the template's own prefix (origin and path up to the first
 * placeholder), whatever else the value holds.
 */
function fillTemplate(template: string, lookup: Lookup): string {
  if (lookup.value === '.' || lookup.value === '..') {
    throw new DomainError(
      'VALIDATION_FAILED',
      `${lookup.by} cannot be "${lookup.value}" for this hospital.`,
      {
        errors: [{ field: lookup.by, message: `${lookup.by} must not be "." or ".."` }],
      },
    );
  }
  const filled = template
    .replace(/\{value\}/g, () => encodeURIComponent(lookup.value))
    .replace(/\{key\}/g, () => encodeURIComponent(lookup.by));
  if (!staysUnderPrefix(template, filled)) {
    throw new DomainError('VALIDATION_FAILED', `This ${lookup.by} would leave the hospital's URL template.`, {
      errors: [{ field: lookup.by, message: `${lookup.by} must not change the path of the hospital's URL` }],
    });
  }
  return filled;
}

/** Same origin, and the path still starts with the template's path up to its first placeholder. */
export function staysUnderPrefix(template: string, filled: string): boolean {
  const cut = template.search(/\{value\}|\{key\}/);
  const prefix = new URL(cut < 0 ? template : template.slice(0, cut));
  const url = new URL(filled);
  const inQuery = cut >= 0 && template.slice(0, cut).includes('?');
  const prefixPath = inQuery
    ? prefix.pathname
    : prefix.pathname.slice(0, prefix.pathname.lastIndexOf('/') + 1);
  return (
    url.origin === prefix.origin &&
    (inQuery ? url.pathname === prefixPath : url.pathname.startsWith(prefixPath))
  );
}
