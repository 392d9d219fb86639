import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { HospitalScopedV1 } from '../patients/patients.rpc.v1';
import type { Scope } from './scopes';

/** One public signing key as a JSON Web Key (RFC 7517): what the gateway verifies tokens with. */
export interface PublicJwkV1 {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

export class ListSigningKeysRequestV1 {}

export interface SigningKeysV1 {
  /** Every key whose tokens may still be valid: the one that signs, and retired ones until their tokens expired. */
  keys: PublicJwkV1[];
}

export class RotateSigningKeyRequestV1 {}

export class ClientStatusRequestV1 {
  @IsString() @Length(1, 200) clientId: string;
}

export interface ClientStatusV1 {
  /** False for unknown and deactivated clients: their tokens must stop working. */
  active: boolean;
}

/** `{hospitalId}` plus the client, named by its `clientId` (`cb_...`) or its `id`. */
export class ApiClientRefV1 extends HospitalScopedV1 {
  @IsString() @Length(1, 200) clientId: string;
}

export class ListApiClientsRequestV1 extends HospitalScopedV1 {}

export interface ApiClientViewV1 {
  id: string;
  hospitalId: string;
  name: string;
  clientId: string;
  scopes: Scope[];
  active: boolean;
  createdAt: string;
  secretRotatedAt: string | null;
  /** While a rotation's overlap window runs: until when the previous secret still works. */
  previousSecretValidUntil: string | null;
  deactivatedAt: string | null;
}

/** How long the previous secret keeps working after a rotation: default 24 h, `0` ends it at once. */
export const DEFAULT_PREVIOUS_SECRET_VALID_SECONDS = 86_400;

export class RotateSecretInputV1 {
  @ApiPropertyOptional({
    description:
      'Seconds the previous secret keeps working (default 86400 = 24 h; 0 ends it at once; at most 30 days)',
    minimum: 0,
    maximum: 2_592_000,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_592_000)
  previousSecretValidForSeconds?: number;
}

export class RotateApiClientSecretRequestV1 extends ApiClientRefV1 {
  @IsOptional() @IsInt() @Min(0) @Max(2_592_000) previousSecretValidForSeconds?: number;
}

export interface RotatedSecretV1 {
  /** Shown once: only its hash is stored. */
  clientSecret: string;
  /** The previous secret is refused from this instant on (now when the window was 0). */
  previousSecretValidUntil: string;
}

export class ScimTokenInputV1 {
  @ApiPropertyOptional({ description: 'A label, e.g. the identity provider it was given to' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;
}

export class CreateScimTokenRequestV1 extends HospitalScopedV1 {
  @IsOptional() @IsString() @Length(1, 200) name?: string;
}

export class ListScimTokensRequestV1 extends HospitalScopedV1 {}

export class RevokeScimTokenRequestV1 extends HospitalScopedV1 {
  @IsUUID('all') tokenId: string;
}

export interface ScimTokenViewV1 {
  id: string;
  hospitalId: string;
  name: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export interface ScimTokenCreatedV1 extends ScimTokenViewV1 {
  /** Shown once: only its hash is stored. */
  token: string;
}

export class CheckScimTokenRequestV1 {
  @IsString() @Length(1, 500) token: string;
}

export interface ScimTokenCheckV1 {
  /** The hospital the token acts for, or null when it is unknown or revoked. */
  hospitalId: string | null;
  tokenId: string | null;
}
