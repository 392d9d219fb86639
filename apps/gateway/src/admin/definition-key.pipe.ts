import { Injectable, type PipeTransform } from '@nestjs/common';
import { DomainError } from '@bridge/contracts';

/** A path key that no definition could have (see CareFlowDefinitionInputV1.key) names none: 404. */
@Injectable()
export class DefinitionKeyPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[a-z0-9][a-z0-9-]{0,99}$/.test(value))
      throw new DomainError('NOT_FOUND', 'No such care-flow definition.');
    return value;
  }
}
