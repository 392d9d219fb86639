import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { DomainError } from '@bridge/contracts';

/** The optional Idempotency-Key header, checked for a sane size before it travels on. */
export const IdempotencyKey = createParamDecorator(
  (_: unknown, context: ExecutionContext): string | undefined => {
    const value = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>()
      .headers['idempotency-key'];
    if (value === undefined) return undefined;
    if (value.length < 1 || value.length > 200) {
      throw new DomainError('VALIDATION_FAILED', 'Idempotency-Key must be 1 to 200 characters.', {
        errors: [{ field: 'Idempotency-Key', message: 'must be 1 to 200 characters' }],
      });
    }
    return value;
  },
);
