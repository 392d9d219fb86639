import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { validatePayload } from '@bridge/contracts';

/**
 * Validates @Body() parameters against their payload class (whitelist, unknown fields refused, nested
 * objects checked) with the same function the broker handlers use.
 */
@Injectable()
export class PayloadPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' || !metadata.metatype || metadata.metatype === Object) return value;
    return validatePayload(metadata.metatype as new () => object, value ?? {});
  }
}
