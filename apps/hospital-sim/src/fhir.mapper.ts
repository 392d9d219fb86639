import { SIM_AUTHORITIES, SIM_VISIT_SYSTEM, sexOf, type SimName, type SimPatient } from './dataset';

const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
const BCP_47 = 'urn:ietf:bcp:47';
const OWN_PREFIX = 'http://hl7.org/fhir/StructureDefinition/humanname-own-prefix';
const OWN_NAME = 'http://hl7.org/fhir/StructureDefinition/humanname-own-name';

const LANGUAGE_DISPLAY: Readonly<Record<string, string>> = {
  nl: 'Nederlands',
  fr: 'Français',
  de: 'Deutsch',
  en: 'English',
};

/** A FHIR R4 resource as plain JSON (no FHIR library: the simulator only writes a few shapes). */
export type FhirResource = { readonly resourceType: string } & Record<string, unknown>;

function identifierType(code: string): Record<string, unknown> {
  return { coding: [{ system: V2_0203, code }] };
}

function humanName(name: SimName): Record<string, unknown> {
  const given = name.middle ? [name.given, name.middle] : [name.given];
  const result: Record<string, unknown> = {
    use: name.type === 'L' ? 'official' : 'maiden',
    family: name.family,
    given,
  };
  if (name.familyPrefix) {
    // Dutch surname parts, as the HL7 FN carries them: `Van den` + `Broeck`.
    result._family = {
      extension: [
        { url: OWN_PREFIX, valueString: name.familyPrefix },
        { url: OWN_NAME, valueString: name.familyOwn ?? '' },
      ],
    };
  }
  if (name.prefix) result.prefix = [name.prefix];
  return result;
}

export function toFhirPatient(patient: SimPatient): FhirResource {
  const identifier: Record<string, unknown>[] = patient.identifiers.map((id) => ({
    use: id.authority === 'HHSJ' ? 'old' : 'official',
    type: identifierType(id.type),
    system: SIM_AUTHORITIES[id.authority].system,
    // Belgian FHIR profiles carry the SSIN as 11 digits.
    value: id.type === 'NN' ? id.value.replace(/\D/g, '') : id.value,
  }));
  if (patient.visitNumber) {
    identifier.push({
      use: 'usual',
      type: identifierType('VN'),
      system: SIM_VISIT_SYSTEM,
      value: patient.visitNumber,
    });
  }
  const telecom: Record<string, unknown>[] = [];
  if (patient.phone) telecom.push({ system: 'phone', value: patient.phone, use: 'home' });
  if (patient.mobilePhone) telecom.push({ system: 'phone', value: patient.mobilePhone, use: 'mobile' });
  if (patient.email) telecom.push({ system: 'email', value: patient.email });
  // Official name first: FHIR has no reading rule like HL7's rule 13, so the usual order is kept.
  const names = [...patient.names].sort((a, b) => Number(b.type === 'L') - Number(a.type === 'L'));
  const resource: Record<string, unknown> = {
    resourceType: 'Patient',
    id: patient.id,
    identifier,
    active: true,
    name: names.map(humanName),
    gender: sexOf(patient),
  };
  if (telecom.length > 0) resource.telecom = telecom;
  if (patient.birthDate) resource.birthDate = patient.birthDate;
  if (patient.address) {
    const { street, city, zip, state, country } = patient.address;
    resource.address = [
      { use: 'home', line: [street], city, postalCode: zip, ...(state ? { state } : {}), country },
    ];
  }
  if (patient.preferredLanguage) {
    resource.communication = [
      {
        language: {
          coding: [{ system: BCP_47, code: patient.preferredLanguage }],
          text: LANGUAGE_DISPLAY[patient.preferredLanguage],
        },
        preferred: true,
      },
    ];
  }
  return resource as FhirResource;
}

/** A searchset Bundle; like most FHIR servers, no `entry` at all when nothing matched. */
export function toFhirBundle(
  patients: readonly SimPatient[],
  options: { baseUrl: string; selfUrl: string },
): FhirResource {
  const bundle: Record<string, unknown> = {
    resourceType: 'Bundle',
    type: 'searchset',
    total: patients.length,
    link: [{ relation: 'self', url: options.selfUrl }],
  };
  if (patients.length > 0) {
    bundle.entry = patients.map((patient) => ({
      fullUrl: `${options.baseUrl}/Patient/${patient.id}`,
      resource: toFhirPatient(patient),
      search: { mode: 'match' },
    }));
  }
  return bundle as FhirResource;
}

export function fhirOperationOutcome(code: string, diagnostics: string): FhirResource {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] };
}
