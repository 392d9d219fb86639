import { Catch, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands a handler's error to the bus server unchanged. Nest's default RPC filter would turn every error
 * that is not an RpcException into "Internal server error", losing the DomainError code the gateway maps
 * to HTTP, and the PoisonMessageError that tells an event consumer not to retry. The server (BusServer)
 * is the one place that turns errors into envelopes, retries or dead letters.
 */
@Catch()
export class PassErrorsToBusFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
