import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Client } from 'pg';

const PATCHED = Symbol.for('careflow-bridge.pg-traced');
const MAX_STATEMENT_CHARS = 1000;

type QueryCallback = (error: Error | null, result: unknown) => void;
type Query = (this: Client, ...args: unknown[]) => unknown;

/**
 * One client span per PostgreSQL query (the driver under TypeORM), child of the active span. Done by hand on
 * `Client.prototype.query` rather than by a require hook, so it works whatever loaded `pg` first (the
 * embedded default, jest). Queries outside any traced work (pollers, the outbox relay idling) make no span.
 * The statement text is recorded, never its parameters (they hold patient data). A query object (pg's
 * Query, as PreparingClient sends its named statements) is traced through its own callback; one without a
 * callback (a cursor, a stream) is not traced.
 */
export function instrumentPg(): void {
  const prototype = Client.prototype as unknown as Record<symbol | string, unknown>;
  if (prototype[PATCHED]) return;
  const original = prototype.query as Query;
  prototype[PATCHED] = true;
  prototype.query = function tracedQuery(this: Client, ...args: unknown[]): unknown {
    const parent = trace.getSpan(context.active());
    const first = args[0] as { text?: unknown; submit?: unknown; callback?: unknown } | string;
    const submittable = typeof first === 'object' && typeof first?.submit === 'function' ? first : undefined;
    if (!parent?.isRecording() || (submittable && typeof submittable.callback !== 'function')) {
      return original.apply(this, args);
    }
    const text = typeof first === 'string' ? first : typeof first?.text === 'string' ? first.text : '';
    const operation = /^\s*(?:WITH\b[\s\S]*?\)\s*)?(\w+)/i.exec(text)?.[1]?.toUpperCase() ?? 'QUERY';
    const span = trace.getTracer('careflow-bridge').startSpan(`pg ${operation}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': 'postgresql',
        'db.namespace': this.database ?? '',
        'db.user': this.user ?? '',
        'db.operation.name': operation,
        'db.query.text': text.slice(0, MAX_STATEMENT_CHARS),
      },
    });
    const end = (error: unknown) => {
      if (error)
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as { code?: string }).code ?? 'error' });
      span.end();
    };
    if (submittable) {
      const callback = submittable.callback as QueryCallback;
      submittable.callback = (error: Error | null, result: unknown) => {
        end(error);
        callback(error, result);
      };
      return original.apply(this, args);
    }
    const callbackAt = args.findIndex((arg) => typeof arg === 'function');
    if (callbackAt >= 0) {
      const callback = args[callbackAt] as QueryCallback;
      args[callbackAt] = (error: Error | null, result: unknown) => {
        end(error);
        callback(error, result);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args) as Promise<unknown> | undefined;
    if (result && typeof result.then === 'function') {
      result.then(
        () => end(undefined),
        (error: unknown) => end(error),
      );
    } else {
      end(undefined);
    }
    return result;
  };
}
