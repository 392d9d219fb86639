import { IsString, Length } from 'class-validator';
import type { Scope } from './scopes';

export class AuthenticateClientRequestV1 {
  @IsString() @Length(1, 200) clientId: string;
  @IsString() @Length(1, 500) clientSecret: string;
}

export interface AccessTokenV1 {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  scope: string;
  scopes: Scope[];
}
