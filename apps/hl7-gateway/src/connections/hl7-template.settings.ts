import { DomainError, isDomainError, validatePayload, type Hl7ConnectionInputV1 } from '@bridge/contracts';
import type { Hl7QueryTemplate } from '@bridge/hl7';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsTimeZone,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

class IdentifierTypeCodesSettings {
  @IsOptional() @IsString() @Length(1, 20) patientCode?: string;
  @IsOptional() @IsString() @Length(1, 20) visitNumber?: string;
}

/**
 * The `template` part of an HL7 connection: the libs/hl7 Hl7QueryTemplate fields that the body does
 * not carry at its top level. The contract only says "an object"; this is where its fields are checked,
 * so a typo in a hospital's template is a 400 at PUT time, never a failed query at 3 a.m.
 */
export class Hl7TemplateSettings {
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => IdentifierTypeCodesSettings)
  identifierTypeCodes?: IdentifierTypeCodesSettings;
  /** MSH-11 (P, T, D). */
  @IsOptional() @IsString() @Length(1, 3) processingId?: string;
  /** IANA zone for MSH-7 / QRD-1; default UTC. */
  @IsOptional() @IsTimeZone() timeZone?: string;
  @IsOptional() @IsInt() @Min(1) @Max(100) maxCandidates?: number;
  @IsOptional() @IsString() @Length(1, 100) qrfWhereSubjectFilter?: string;
  @IsOptional() @IsString() @Length(1, 100) queryName?: string;
}

/** Checks the template of a connection body; field errors are reported as `template.<field>`. */
export function validateTemplate(
  template: Record<string, unknown> | undefined,
): Hl7TemplateSettings | undefined {
  if (template === undefined) return undefined;
  try {
    return validatePayload(Hl7TemplateSettings, template);
  } catch (error) {
    if (!isDomainError(error)) throw error;
    const errors = (error.details?.errors ?? []).map(({ field, message }) => ({
      field: field ? `template.${field}` : 'template',
      message: field ? message.replace(field, `template.${field}`) : message,
    }));
    throw new DomainError(
      'VALIDATION_FAILED',
      `Invalid request: ${errors.map((e) => e.message).join('; ')}`,
      {
        errors,
      },
    );
  }
}

/** The libs/hl7 query template of a stored connection. */
export function queryTemplateOf(settings: Hl7ConnectionInputV1): Hl7QueryTemplate {
  const template = (settings.template ?? {}) as Hl7TemplateSettings;
  return {
    queryStyle: settings.queryStyle,
    version: settings.version,
    sendingApplication: settings.sendingApplication,
    sendingFacility: settings.sendingFacility,
    receivingApplication: settings.receivingApplication,
    receivingFacility: settings.receivingFacility,
    patientIdAuthority: settings.patientIdAuthority,
    charset: settings.charset,
    identifierTypeCodes: template.identifierTypeCodes,
    processingId: template.processingId,
    timeZone: template.timeZone,
    maxCandidates: template.maxCandidates,
    qrfWhereSubjectFilter: template.qrfWhereSubjectFilter,
    queryName: template.queryName,
  };
}
