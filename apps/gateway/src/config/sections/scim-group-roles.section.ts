import { Injectable } from '@nestjs/common';
import {
  ScimGroupRolesInputV1,
  validatePayload,
  type ActorV1,
  type ScimGroupRoleMappingV1,
} from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import type { ConfigSection } from '../config-section';
import { withoutPrefix } from './field-paths';

/** `scimGroupRoles`: which IdP groups give which role, as PUT .../scim-group-roles takes it. */
@Injectable()
export class ScimGroupRolesSection implements ConfigSection<ScimGroupRoleMappingV1[]> {
  readonly path = 'scimGroupRoles';
  readonly secretPaths = [];

  constructor(private readonly bus: Bus) {}

  async read(hospitalId: string): Promise<ScimGroupRoleMappingV1[]> {
    return (await this.bus.request('users.scim-group-roles.get.v1', { hospitalId })).mappings;
  }

  async check(_hospitalId: string, wanted: unknown): Promise<void> {
    this.mappings(wanted);
  }

  async write(
    hospitalId: string,
    wanted: ScimGroupRoleMappingV1[],
    _current: unknown,
    actor: ActorV1,
  ): Promise<void> {
    await this.bus.request('users.scim-group-roles.replace.v1', {
      hospitalId,
      actor,
      mappings: this.mappings(wanted),
    });
  }

  private mappings(wanted: unknown): ScimGroupRoleMappingV1[] {
    try {
      return validatePayload(ScimGroupRolesInputV1, { mappings: wanted ?? [] }).mappings;
    } catch (error) {
      throw withoutPrefix(error, 'mappings');
    }
  }
}
