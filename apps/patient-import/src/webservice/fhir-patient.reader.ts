import type { DemographicsV1, IdentifierSystemsV1 } from '@bridge/contracts';
import {
  addressOf,
  compact,
  dateOf,
  isObject,
  nationalNumberOf,
  sexOf,
  text,
  type Json,
} from './hospital-reply-fields';
import type { Lookup } from './webservice-request.builder';

type Resource = Record<string, Json>;

/**
 * FHIR R4 Patient -> demographics. The patient code is the identifier in the configured patient-code system,
 * else the one typed MR (HL7 table 0203), never the first by position; the visit number likewise (system, else
 * type VN). A lookup by visit number that the hospital answered also tells the visit number of its candidates.
 */
export function readFhirPatient(
  patient: Resource,
  options: { systems?: IdentifierSystemsV1; lookup: Lookup },
): DemographicsV1 {
  const identifiers = list(patient.identifier).filter(isObject);
  const name = pickName(list(patient.name).filter(isObject));
  const given = list(name?.given)
    .map(text)
    .filter((part): part is string => part !== undefined);
  const family = Array.isArray(name?.family) ? list(name?.family).map(text).join(' ') : text(name?.family);
  const telecom = list(patient.telecom).filter(isObject);
  const address = pickAddress(list(patient.address).filter(isObject));
  const visitNumber =
    identifierValue(identifiers, options.systems?.visitNumber, 'VN') ??
    (options.lookup.by === 'visitNumber' ? options.lookup.value : undefined);
  return compact({
    patientCode: identifierValue(identifiers, options.systems?.patientCode, 'MR') ?? '',
    visitNumber,
    firstName: given[0] ?? '',
    lastName: family ?? '',
    middleName: given.length > 1 ? given.slice(1).join(' ') : undefined,
    birthDate: dateOf(patient.birthDate),
    sex: sexOf(patient.gender),
    email: telecomValue(telecom, (point) => point.system === 'email'),
    phone: telecomValue(telecom, (point) => point.system === 'phone' && point.use !== 'mobile'),
    mobilePhone: telecomValue(
      telecom,
      (point) => (point.system === 'phone' && point.use === 'mobile') || point.system === 'sms',
    ),
    nationalRegistryNumber: nationalNumberOf(
      identifiers.find(
        (identifier) => hasType(identifier, 'NN') || /\/ssin$/i.test(text(identifier.system) ?? ''),
      )?.value,
    ),
    preferredLanguage: languageOf(list(patient.communication).filter(isObject)),
    address: address
      ? addressOf({
          street: list(address.line).map(text).filter(Boolean).join(', ') || undefined,
          city: text(address.city),
          zip: text(address.postalCode),
          state: text(address.state),
          country: text(address.country),
        })
      : undefined,
    identifiers: identifiers.flatMap((identifier) => {
      const system = text(identifier.system);
      const value = text(identifier.value);
      return system && value ? [{ system, value }] : [];
    }),
  });
}

/** Patients of a search Bundle, in Bundle order; included resources of other types are skipped. */
export function fhirBundlePatients(bundle: Resource): Resource[] {
  return list(bundle.entry)
    .filter(isObject)
    .map((entry) => entry.resource)
    .filter((resource): resource is Resource => isObject(resource) && resource.resourceType === 'Patient');
}

/** OperationOutcome issues as one line: what a FHIR server says when it refuses. */
export function operationOutcomeText(outcome: Resource): string | undefined {
  const texts = list(outcome.issue)
    .filter(isObject)
    .map(
      (issue) => text(issue.diagnostics) ?? (isObject(issue.details) ? text(issue.details.text) : undefined),
    )
    .filter((value): value is string => value !== undefined);
  return texts.length > 0 ? texts.join('; ') : undefined;
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? (value as Json[]) : [];
}

function hasType(identifier: Resource, code: string): boolean {
  const type = identifier.type;
  return isObject(type) && list(type.coding).some((coding) => isObject(coding) && coding.code === code);
}

/** By the configured system, else by type among identifiers still in use (an `old` one is a former number). */
function identifierValue(
  identifiers: Resource[],
  system: string | undefined,
  typeCode: string,
): string | undefined {
  const chosen = system
    ? identifiers.find((identifier) => identifier.system === system && identifier.use !== 'old')
    : identifiers.find((identifier) => hasType(identifier, typeCode) && identifier.use !== 'old');
  return text(chosen?.value);
}

/** official, else usual, else a name without `use`, else the first; never an old or maiden name when another exists. */
function pickName(names: Resource[]): Resource | undefined {
  const current = names.filter((name) => name.use !== 'old' && name.use !== 'maiden');
  for (const use of ['official', 'usual']) {
    const match = current.find((name) => name.use === use);
    if (match) return match;
  }
  return current.find((name) => name.use === undefined) ?? current[0] ?? names[0];
}

function pickAddress(addresses: Resource[]): Resource | undefined {
  const current = addresses.filter((address) => address.use !== 'old');
  return current.find((address) => address.use === 'home') ?? current[0];
}

function telecomValue(telecom: Resource[], matches: (point: Resource) => boolean): string | undefined {
  const ranked = [...telecom].sort((a, b) => rank(a) - rank(b));
  return text(ranked.find((point) => matches(point) && text(point.value) !== undefined)?.value);
}

function rank(point: Resource): number {
  return typeof point.rank === 'number' ? point.rank : Number.MAX_SAFE_INTEGER;
}

function languageOf(communication: Resource[]): string | undefined {
  const chosen = communication.find((entry) => entry.preferred === true) ?? communication[0];
  const language = chosen?.language;
  if (!isObject(language)) return undefined;
  const coding = list(language.coding).find(isObject);
  return text(coding?.code) ?? text(language.text);
}
