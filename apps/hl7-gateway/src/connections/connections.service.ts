import { Injectable } from '@nestjs/common';
import {
  DEFAULT_PATIENT_ID_TYPES,
  DomainError,
  type Hl7ConnectionInputV1,
  type Hl7ConnectionViewV1,
} from '@bridge/contracts';
import { DestinationPolicy } from '@bridge/config';
import { Bus } from '@bridge/messaging';
import {
  ConnectionsRepository,
  type StoredHl7Connection,
  type StoredHl7Settings,
} from './connections.repository';
import { deriveConnectionTemplate, derivedTemplateView } from './example-query.settings';
import { validateTemplate } from './hl7-template.settings';

@Injectable()
export class ConnectionsService {
  constructor(
    private readonly connections: ConnectionsRepository,
    private readonly bus: Bus,
    private readonly destinations: DestinationPolicy,
  ) {}

  /** Creates or replaces the hospital's HL7 connection (a PUT replaces every setting). */
  async put(hospitalId: string, input: Hl7ConnectionInputV1, dryRun = false): Promise<Hl7ConnectionViewV1> {
    const template = validateTemplate(input.template);
    const derivedTemplate = deriveConnectionTemplate(input);
    await this.bus.requireHospital(hospitalId);
    // An address (or localhost) is checked now; a name is checked on what it resolves to at each query.
    const refusal = await this.destinations.configuredRefusal(input.host, input.port);
    if (refusal) {
      throw new DomainError(
        'CONNECTION_DESTINATION_REFUSED',
        `host ${input.host}:${input.port} is refused: ${refusal}.`,
        {
          errors: [{ field: 'host', message: `host is refused: ${refusal}` }],
        },
      );
    }
    const settings: StoredHl7Settings = {
      ...input,
      ...(template ? { template: { ...template } } : {}),
      ...(derivedTemplate ? { derivedTemplate } : {}),
    };
    // A dry run (configuration documents) checks all of the above and stores nothing.
    if (dryRun) return toView({ hospitalId, settings, updatedAt: new Date() });
    return toView(await this.connections.upsert(hospitalId, settings));
  }

  async get(hospitalId: string): Promise<Hl7ConnectionViewV1> {
    const connection = await this.connections.find(hospitalId);
    if (!connection) throw new DomainError('NOT_FOUND', 'This hospital has no HL7 connection.');
    return toView(connection);
  }

  /** The stored connection, or undefined when the hospital has none. */
  find(hospitalId: string): Promise<StoredHl7Connection | undefined> {
    return this.connections.find(hospitalId);
  }
}

// The HL7 connection holds no secrets (TLS trusts the system CAs), so the view is the whole setting.
function toView(connection: Omit<StoredHl7Connection, 'version'>): Hl7ConnectionViewV1 {
  const { derivedTemplate, ...settings } = connection.settings;
  return {
    ...settings,
    ...(derivedTemplate ? { derivedTemplate: derivedTemplateView(derivedTemplate) } : {}),
    // The default is shown, not stored: connections saved before the setting existed read the same way.
    patientIdTypes: [...(connection.settings.patientIdTypes ?? DEFAULT_PATIENT_ID_TYPES)],
    hospitalId: connection.hospitalId,
    updatedAt: connection.updatedAt.toISOString(),
  };
}
