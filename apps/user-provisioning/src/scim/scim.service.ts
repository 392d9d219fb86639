import { Injectable } from '@nestjs/common';
import {
  DomainError,
  SCIM_SCHEMAS,
  isDomainError,
  type ActorV1,
  type ScimListResponseV1,
  type ScimUserV1,
} from '@bridge/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import type { User } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { UsersWriter, type Provenance } from '../users/users.writer';
import { scimError, scimNotFound } from './scim-attributes';
import { SCIM_MAX_RESULTS } from './scim-discovery';
import { userFilterToSql } from './scim-filter';
import { applyPatch, parsePatchRequest } from './scim-patch';
import { fieldsOf, newState, parseScimUser, replacedState, stateOf, toScimUser } from './scim-user.mapper';

const DEFAULT_COUNT = 100;

/**
 * SCIM 2.0 Users (RFC 7644) over the same users the REST API provisions. A deleted user keeps its row
 * (care flows may name it) but SCIM answers 404 for it and leaves it out of lists, as §3.6 requires;
 * creating it again brings the same row back.
 */
@Injectable()
export class ScimService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly writer: UsersWriter,
  ) {}

  async list(
    hospitalId: string,
    baseUrl: string,
    query: { filter?: string; startIndex?: string; count?: string },
  ): Promise<ScimListResponseV1<ScimUserV1>> {
    // Placeholder $1 is the hospital id.
    const condition =
      query.filter !== undefined && query.filter.trim() !== '' ? userFilterToSql(query.filter, 2) : undefined;
    // RFC 7644 §3.4.2.4: a startIndex below 1 means 1, a negative count means 0.
    const startIndex = Math.max(1, integerOf(query.startIndex, 'startIndex') ?? 1);
    const count = Math.min(SCIM_MAX_RESULTS, Math.max(0, integerOf(query.count, 'count') ?? DEFAULT_COUNT));
    const page = await this.users.scimPage(this.dataSource.manager, hospitalId, condition, {
      offset: startIndex - 1,
      limit: count,
    });
    return {
      schemas: [SCIM_SCHEMAS.listResponse],
      totalResults: page.total,
      startIndex,
      itemsPerPage: page.users.length,
      Resources: page.users.map((user) => toScimUser(user, baseUrl)),
    };
  }

  async get(hospitalId: string, baseUrl: string, userId: string): Promise<ScimUserV1> {
    return toScimUser(await this.visible(this.dataSource.manager, hospitalId, userId), baseUrl);
  }

  /** 409 `uniqueness` when a visible user has the userName or externalId; a deleted one is brought back. */
  async create(
    hospitalId: string,
    actor: ActorV1,
    baseUrl: string,
    resource: Record<string, unknown>,
  ): Promise<ScimUserV1> {
    const input = parseScimUser(resource);
    const wanted = fieldsOf(newState(input));
    const provenance: Provenance = { actor, channel: 'scim' };
    const user = await this.dataSource.transaction(async (manager) => {
      const byUserName = await this.users.findByUserName(manager, hospitalId, input.userName);
      const byExternalId = input.externalId
        ? await this.users.findByHospitalUserId(manager, hospitalId, input.externalId)
        : undefined;
      if (byUserName && !byUserName.deletedAt) throw uniqueness('userName');
      if (byExternalId && !byExternalId.deletedAt) throw uniqueness('externalId');
      if (byUserName && byExternalId && byUserName.id !== byExternalId.id) throw uniqueness('externalId');
      const deleted = byUserName ?? byExternalId;
      if (deleted)
        return scimWrite(() => this.writer.change(manager, deleted, wanted, provenance, { restore: true }));
      const result = await scimWrite(() =>
        this.writer.create(
          manager,
          hospitalId,
          {
            ...wanted,
            email: wanted.email!,
            firstName: wanted.firstName!,
            lastName: wanted.lastName!,
            roles: wanted.roles!,
            hospitalUserId: wanted.hospitalUserId ?? null,
            physicianCode: wanted.physicianCode ?? null,
            active: wanted.active!,
          },
          provenance,
        ),
      );
      if (!result.created) throw uniqueness('userName');
      return result.user;
    });
    return toScimUser(user, baseUrl);
  }

  /**
   * PUT replaces what it sends: userName, name and active as sent (an omitted `active` stays as it is).
   * externalId, employeeNumber, roles, emails and addresses change only when present (null clears): the same users are
   * also provisioned by REST and admins, and RFC 7644 §3.5.1 lets a server keep attributes the client
   * did not assert, rather than erase a physician code an IdP never knew about.
   */
  async replace(
    hospitalId: string,
    actor: ActorV1,
    baseUrl: string,
    userId: string,
    resource: Record<string, unknown>,
  ): Promise<ScimUserV1> {
    const input = parseScimUser(resource);
    const user = await this.dataSource.transaction(async (manager) => {
      const current = await this.visible(manager, hospitalId, userId, { forUpdate: true });
      const wanted = fieldsOf(replacedState(stateOf(current), input));
      return scimWrite(() => this.writer.change(manager, current, wanted, { actor, channel: 'scim' }));
    });
    return toScimUser(user, baseUrl);
  }

  async patch(
    hospitalId: string,
    actor: ActorV1,
    baseUrl: string,
    userId: string,
    body: Record<string, unknown>,
  ): Promise<ScimUserV1> {
    const operations = parsePatchRequest(body);
    const user = await this.dataSource.transaction(async (manager) => {
      const current = await this.visible(manager, hospitalId, userId, { forUpdate: true });
      const next = applyPatch(stateOf(current), operations);
      return scimWrite(() =>
        this.writer.change(manager, current, fieldsOf(next), { actor, channel: 'scim' }),
      );
    });
    return toScimUser(user, baseUrl);
  }

  /** Deactivates and hides the user; sessions and login tokens are revoked. */
  async delete(hospitalId: string, actor: ActorV1, userId: string): Promise<null> {
    await this.dataSource.transaction(async (manager) => {
      const current = await this.visible(manager, hospitalId, userId, { forUpdate: true });
      await this.writer.change(
        manager,
        current,
        { active: false },
        { actor, channel: 'scim' },
        { delete: true },
      );
    });
    return null;
  }

  private async visible(
    manager: EntityManager,
    hospitalId: string,
    userId: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<User> {
    const user = await this.users.findById(manager, hospitalId, userId, options);
    if (!user || user.deletedAt) throw scimNotFound();
    return user;
  }
}

function integerOf(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^-?\d{1,9}$/.test(value.trim())) throw scimError('invalidValue', `${name} must be an integer.`);
  return Number(value);
}

function uniqueness(attributeName: string): DomainError {
  return new DomainError('USER_EMAIL_TAKEN', `A user with this ${attributeName} exists.`, {
    scimType: 'uniqueness',
  });
}

/** Unique-key clashes found while writing are SCIM `uniqueness` errors too. */
async function scimWrite<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (
      isDomainError(error) &&
      (error.code === 'USER_EMAIL_TAKEN' || error.code === 'USER_IDENTIFIER_TAKEN')
    ) {
      throw new DomainError(error.code, error.message, { scimType: 'uniqueness' });
    }
    throw error;
  }
}
