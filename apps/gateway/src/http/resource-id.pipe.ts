import { Injectable, type PipeTransform } from '@nestjs/common';
import { DomainError } from '@bridge/contracts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that is not a UUID names no resource: 404, like any unknown id. */
@Injectable()
export class ResourceIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!UUID.test(value)) throw new DomainError('NOT_FOUND', 'No such resource.');
    return value.toLowerCase();
  }
}
