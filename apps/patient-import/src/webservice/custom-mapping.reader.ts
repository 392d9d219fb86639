import type { DemographicsV1 } from '@bridge/contracts';
import { addressOf, atPath, compact, dateOf, nationalNumberOf, sexOf, text } from './hospital-reply-fields';
import type { Lookup } from './webservice-request.builder';

/** The patient fields a custom mapping may fill (`address.*` for the address parts). */
export const CUSTOM_MAPPABLE_FIELDS = [
  'patientCode',
  'visitNumber',
  'firstName',
  'lastName',
  'middleName',
  'birthDate',
  'sex',
  'email',
  'phone',
  'mobilePhone',
  'nationalRegistryNumber',
  'preferredLanguage',
  'address.street',
  'address.city',
  'address.zip',
  'address.state',
  'address.country',
] as const;

/** Without these no candidate can be saved, so a mapping must name them. */
export const CUSTOM_REQUIRED_FIELDS = ['patientCode', 'firstName', 'lastName'] as const;

/**
 * One result of a custom service -> demographics, through the hospital's `{patientField: dottedPath}`
 * mapping. Values are read as text (numbers as written); sex, birth date and national number get the same
 * normalisation as the other flavours. Unmapped fields stay absent.
 */
export function readCustomResult(
  result: unknown,
  options: { fields: Record<string, string>; lookup: Lookup },
): DemographicsV1 {
  const value = (field: string) => {
    const path = options.fields[field];
    return path === undefined ? undefined : atPath(result, path);
  };
  const mappedVisit = text(value('visitNumber'));
  return compact({
    patientCode: text(value('patientCode')) ?? '',
    visitNumber: mappedVisit ?? (options.lookup.by === 'visitNumber' ? options.lookup.value : undefined),
    firstName: text(value('firstName')) ?? '',
    lastName: text(value('lastName')) ?? '',
    middleName: text(value('middleName')),
    birthDate: dateOf(value('birthDate')),
    sex: sexOf(value('sex')),
    email: text(value('email')),
    phone: text(value('phone')),
    mobilePhone: text(value('mobilePhone')),
    nationalRegistryNumber: nationalNumberOf(value('nationalRegistryNumber')),
    preferredLanguage: text(value('preferredLanguage')),
    address: addressOf({
      street: text(value('address.street')),
      city: text(value('address.city')),
      zip: text(value('address.zip')),
      state: text(value('address.state')),
      country: text(value('address.country')),
    }),
    identifiers: [],
  });
}
