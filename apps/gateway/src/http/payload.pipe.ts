import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { validatePayload } from '@bridge/contracts';

/**
 * Validates @Body() and @Query() parameters typed with a payload class (whitelist, unknown fields refused,
 * nested objects checked) with the same function the broker handlers use; query strings are converted to
 * the declared types first.
 */
@Injectable()
export class PayloadPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (!isPayloadClass(metadata.metatype) || !['body', 'query'].includes(metadata.type)) return value;
    return validatePayload(metadata.metatype as new () => object, value ?? {}, {
      convertStrings: metadata.type === 'query',
    });
  }
}

/** A class of ours, not a primitive wrapper (`@Query('name') value: string`) or an untyped object. */
function isPayloadClass(metatype: ArgumentMetadata['metatype']): boolean {
  return !!metatype && ![Object, String, Number, Boolean, Array].includes(metatype as never);
}
