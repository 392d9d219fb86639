import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, type Principal, type Scope } from '@bridge/contracts';

const SCOPES_METADATA = 'bridge:required-scopes';

/** The caller needs at least one of these scopes. */
export const RequireScopes = (...scopes: Scope[]): MethodDecorator & ClassDecorator =>
  SetMetadata(SCOPES_METADATA, scopes);

@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<Scope[] | undefined>(SCOPES_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required?.length) return true;
    const principal = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (!principal) throw new DomainError('UNAUTHENTICATED', 'A bearer token is required.');
    if (!required.some((scope) => principal.scopes.includes(scope))) {
      throw new DomainError(
        'INSUFFICIENT_SCOPE',
        `This call needs one of the scopes: ${required.join(', ')}.`,
      );
    }
    return true;
  }
}

export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  return context.switchToHttp().getRequest<{ user: Principal }>().user;
});

/**
 * Who may see a hospital's operations pages (audit trail, alerts, webhooks): platform staff, or a signed-in
 * hospital admin (users:write on a user session) of this very hospital; never an API client of it.
 */
export function administersHospital(principal: Principal, hospitalId: string): boolean {
  if (principal.scopes.includes('admin')) return true;
  return (
    principal.kind === 'user' &&
    principal.scopes.includes('users:write') &&
    principal.hospitalId === hospitalId
  );
}

/**
 * The hospital a tenant call acts on. Every tenant-owned query takes it, so a token of hospital A can
 * never name hospital B's rows. Platform-admin tokens carry no hospital and use the admin endpoints.
 */
export function tenantOf(principal: Principal): string {
  if (!principal.hospitalId) {
    throw new DomainError('FORBIDDEN', 'This endpoint acts for one hospital; use a hospital credential.');
  }
  return principal.hospitalId;
}
