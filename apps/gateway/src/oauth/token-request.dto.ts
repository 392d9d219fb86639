import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';

/** RFC 6749 §4.4 client credentials, as form fields or JSON; the credentials may also come as HTTP Basic. */
export class TokenRequestDto {
  @ApiProperty({ enum: ['client_credentials'] }) @IsIn(['client_credentials']) grant_type: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString() @Length(1, 200) client_id?: string;
  @ApiProperty({ required: false }) @IsOptional() @IsString() @Length(1, 500) client_secret?: string;
  @ApiProperty({ required: false, description: 'Ignored: a token carries all scopes of its client.' })
  @IsOptional()
  @IsString()
  scope?: string;
}
