import { DomainError, type DemographicsV1, type WebServiceConnectionInputV1 } from '@bridge/contracts';
import { readCustomResult } from './custom-mapping.reader';
import { fhirBundlePatients, operationOutcomeText, readFhirPatient } from './fhir-patient.reader';
import {
  addressOf,
  atPath,
  compact,
  dateOf,
  isObject,
  nationalNumberOf,
  sexOf,
  text,
  type Json,
} from './hospital-reply-fields';
import type { WebServiceReply } from './webservice.client';
import type { Lookup } from './webservice-request.builder';

/** The hospital's own error text is shown to the user; more than this is noise (and a risk). */
export const HOSPITAL_TEXT_MAX = 500;

/**
 * What a hospital's answer says: the candidates it returned (none = not found). Anything that is not a
 * readable answer of the flavour is a HOSPITAL_ERROR carrying the hospital's own text when it sent one
 * (`details.hospitalText`); the error message itself never quotes the answer, so it holds no PHI.
 */
export function readWebServiceReply(
  connection: WebServiceConnectionInputV1,
  lookup: Lookup,
  reply: WebServiceReply,
): DemographicsV1[] {
  // A REST service of its own often says "no such patient" with a 404; pdq and FHIR answer an empty search.
  if (connection.flavor === 'custom' && reply.status === 404) return [];
  if (reply.status < 200 || reply.status > 299) {
    const hospitalText = hospitalTextOf(reply.body);
    throw new DomainError('HOSPITAL_ERROR', `The hospital web service answered HTTP ${reply.status}.`, {
      httpStatus: reply.status,
      ...(hospitalText ? { hospitalText } : {}),
    });
  }
  const json = parseJson(reply.body);
  switch (connection.flavor) {
    case 'pdq':
      return readPdq(json, lookup);
    case 'fhir':
      return readFhirBundle(json, connection, lookup);
    case 'custom':
      return readCustom(json, connection, lookup);
  }
}

function parseJson(body: string): Json {
  try {
    return JSON.parse(body) as Json;
  } catch {
    throw unreadable('is not JSON');
  }
}

function unreadable(what: string): DomainError {
  return new DomainError('HOSPITAL_ERROR', `The hospital web service's answer ${what}.`);
}

/** `{total, entry: [{patient_code, first_name, ...}]}`; `total: 0` (or no entries) is not found. */
function readPdq(json: Json, lookup: Lookup): DemographicsV1[] {
  if (!isObject(json)) throw unreadable('is not a pdq result object');
  const entries = json.entry;
  if (entries === undefined || entries === null) {
    if (json.total === 0 || json.total === undefined) return [];
    throw unreadable('announces patients but has no entry list');
  }
  if (!Array.isArray(entries)) throw unreadable('has an entry that is not a list');
  return entries.map((entry) =>
    readPdqEntry(isObject(entry) && isObject(entry.resource) ? entry.resource : entry, lookup),
  );
}

function readPdqEntry(entry: Json, lookup: Lookup): DemographicsV1 {
  if (!isObject(entry)) throw unreadable('has an entry that is not an object');
  const address = isObject(entry.address) ? entry.address : {};
  const identifiers = Array.isArray(entry.identifiers)
    ? entry.identifiers.filter(isObject).flatMap((identifier) => {
        const system = text(identifier.system);
        const value = text(identifier.value);
        return system && value ? [{ system, value }] : [];
      })
    : [];
  return compact({
    patientCode: text(entry.patient_code) ?? '',
    visitNumber: text(entry.visit_number) ?? (lookup.by === 'visitNumber' ? lookup.value : undefined),
    firstName: text(entry.first_name) ?? '',
    lastName: text(entry.last_name) ?? '',
    middleName: text(entry.middle_name),
    birthDate: dateOf(entry.birth_date),
    sex: sexOf(entry.sex),
    email: text(entry.email),
    phone: text(entry.phone),
    mobilePhone: text(entry.mobile_phone),
    nationalRegistryNumber: nationalNumberOf(entry.national_registry_number),
    preferredLanguage: text(entry.preferred_language),
    address: addressOf({
      street: text(address.street),
      city: text(address.city),
      zip: text(address.zip),
      state: text(address.state),
      country: text(address.country),
    }),
    identifiers,
  });
}

function readFhirBundle(
  json: Json,
  connection: WebServiceConnectionInputV1,
  lookup: Lookup,
): DemographicsV1[] {
  if (isObject(json) && json.resourceType === 'OperationOutcome') {
    const hospitalText = operationOutcomeText(json);
    throw new DomainError('HOSPITAL_ERROR', 'The hospital FHIR server answered with an OperationOutcome.', {
      ...(hospitalText ? { hospitalText: truncate(hospitalText) } : {}),
    });
  }
  if (!isObject(json) || json.resourceType !== 'Bundle') throw unreadable('is not a FHIR Bundle');
  return fhirBundlePatients(json).map((patient) =>
    readFhirPatient(patient, { systems: connection.identifierSystems, lookup }),
  );
}

function readCustom(json: Json, connection: WebServiceConnectionInputV1, lookup: Lookup): DemographicsV1[] {
  const custom = connection.custom;
  if (!custom) throw unreadable('cannot be read: the connection has no custom mapping');
  const results = atPath(json, custom.resultsPath);
  if (results === undefined) throw unreadable('has nothing at the configured resultsPath');
  if (results === null) return [];
  const list = Array.isArray(results) ? results : isObject(results) ? [results] : undefined;
  if (!list) throw unreadable('has neither a list nor an object at the configured resultsPath');
  return list.map((result) => readCustomResult(result, { fields: custom.fields, lookup }));
}

/**
 * The hospital's own words from an error answer: FHIR OperationOutcome diagnostics, a JSON error/message
 * field, or the text itself (tags stripped). Control characters go; the result is cut to HOSPITAL_TEXT_MAX.
 */
export function hospitalTextOf(body: string): string | undefined {
  let found: string | undefined;
  try {
    const json = JSON.parse(body) as Json;
    if (isObject(json)) {
      found = json.resourceType === 'OperationOutcome' ? operationOutcomeText(json) : errorField(json);
    } else {
      found = text(json);
    }
  } catch {
    found = body.replace(/<[^>]*>/g, ' ');
  }
  const cleaned = found
    ?.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned ? truncate(cleaned) : undefined;
}

function errorField(json: Record<string, Json>): string | undefined {
  for (const key of ['error_description', 'message', 'detail', 'error', 'title', 'text', 'diagnostics']) {
    const value = json[key];
    if (typeof value === 'string' && value.trim()) return value;
    if (isObject(value)) {
      const nested = errorField(value);
      if (nested) return nested;
    }
  }
  return undefined;
}

function truncate(value: string): string {
  return value.length > HOSPITAL_TEXT_MAX ? `${value.slice(0, HOSPITAL_TEXT_MAX - 1)}…` : value;
}
