import { ApiProperty } from '@nestjs/swagger';
import { IsObject, IsString, Length } from 'class-validator';

export class BaselineChangeDto {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) @IsObject() baseline: Record<
    string,
    string
  >;
}

export class StopCareFlowDto {
  @ApiProperty({ example: 'Surgery cancelled' }) @IsString() @Length(1, 500) reason: string;
}
