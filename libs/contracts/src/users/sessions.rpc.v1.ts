import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type { Scope } from '../auth/scopes';
import { CODE_PATTERN, NoControlCharacters } from '../common/validation';
import { HospitalScopedV1 } from '../patients/patients.rpc.v1';
import { ActorV1, USER_ROLES, type UserRole, type UserViewV1 } from './user.v1';

/**
 * Body of POST /v1/users/login-token: the EMR names the user (upserted just in time) and optionally the
 * patient the Care app should open on.
 */
export class LoginTokenInputV1 {
  @ApiPropertyOptional({ description: 'The upsert key when given; else the e-mail' })
  @IsOptional()
  @IsString()
  @NoControlCharacters()
  @Length(1, 200)
  hospitalUserId?: string;

  @ApiProperty() @IsEmail() @NoControlCharacters() @MaxLength(200) email: string;
  @ApiProperty() @IsString() @NoControlCharacters() @Length(1, 100) firstName: string;
  @ApiProperty() @IsString() @NoControlCharacters() @Length(1, 100) lastName: string;

  @ApiPropertyOptional({
    enum: USER_ROLES,
    isArray: true,
    description: "Default for a new user: ['clinician']",
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(USER_ROLES, { each: true })
  roles?: UserRole[];

  @ApiPropertyOptional({ description: 'The patient the Care app opens on after sign-in' })
  @IsOptional()
  @IsString()
  @NoControlCharacters()
  @Length(1, 100)
  @Matches(CODE_PATTERN, { message: 'patientCode must not start or end with spaces' })
  patientCode?: string;
}

export class IssueLoginTokenRequestV1 extends HospitalScopedV1 {
  @IsObject() @ValidateNested() @Type(() => ActorV1) actor: ActorV1;
  @IsObject() @ValidateNested() @Type(() => LoginTokenInputV1) login: LoginTokenInputV1;
}

export interface LoginTokenV1 {
  /** Single use; only its hash is stored. */
  token: string;
  /** The Care app link that signs the user in; the token travels in the URL fragment, never to a server log. */
  url: string;
  expiresAt: string;
}

/** Body of POST /v1/auth/exchange, and the RPC request behind it. */
export class ExchangeLoginTokenRequestV1 {
  @ApiProperty() @IsString() @Length(1, 200) token: string;
}

/** Body of POST /v1/auth/login, and the RPC request behind it. */
export class PasswordLoginRequestV1 {
  @ApiProperty() @IsString() @Length(3, 200) email: string;
  @ApiProperty() @IsString() @Length(1, 200) password: string;

  @ApiPropertyOptional({
    description:
      'The hospital key. E-mail addresses are unique per hospital only: needed when the same e-mail and password open accounts in several hospitals.',
  })
  @IsOptional()
  @IsString()
  @Length(2, 63)
  hospital?: string;
}

export interface SessionV1 {
  /** A bearer JWT for the Care app (kind `user`), revoked when the user is deactivated. */
  sessionToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  expiresAt: string;
  scopes: Scope[];
  user: UserViewV1;
  /** From a login token bound to a patient: the Care app opens this patient. */
  patientCode?: string;
  /** That patient's id, when it is in the Care app at sign-in time. */
  patientId?: string;
}

/** Asked by the gateway on every request carrying a user session: is it still current? */
export class CheckSessionRequestV1 extends HospitalScopedV1 {
  @IsUUID('all') userId: string;
  @IsInt() @Min(0) sessionVersion: number;
  /** The token's session id (`sid`): a session ended by logout is refused. Absent on older tokens. */
  @IsOptional() @IsUUID('all') sessionId?: string;
}

export interface SessionCheckV1 {
  current: boolean;
}

/** Ends one Care app session (logout); without a session id, every session of the user. */
export class EndSessionRequestV1 extends HospitalScopedV1 {
  @IsUUID('all') userId: string;
  @IsOptional() @IsUUID('all') sessionId?: string;
  /** When the token expires: the revocation is kept until then, and no longer. */
  @IsInt() @Min(0) expiresAtSeconds: number;
}
