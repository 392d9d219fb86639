import { context, trace } from '@opentelemetry/api';
import { expectEventually } from '@bridge/testing';
import { startOtlpReceiver } from '../../../test/support/otlp-receiver';
import { contextOf, currentTraceId, inSpan, startTracing, traceparentOf } from './tracing';

describe('tracing', () => {
  it('is off without an endpoint: no traceparent, no trace id', async () => {
    const tracing = startTracing('test', {});
    expect(tracing.enabled).toBe(false);
    await inSpan('test', 'work', {}, async () => {
      expect(traceparentOf()).toBeUndefined();
      expect(currentTraceId()).toBeUndefined();
    });
    await tracing.close();
  });

  it('exports spans over OTLP/HTTP JSON and continues a received traceparent', async () => {
    const receiver = await startOtlpReceiver();
    const tracing = startTracing(
      'test',
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
      { OTEL_BSP_SCHEDULE_DELAY: '50' },
    );
    try {
      let sent: string | undefined;
      await inSpan('test', 'outer', {}, async () => {
        sent = traceparentOf();
      });
      expect(sent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      await inSpan('test', 'inner', { parent: contextOf(sent) }, async () => {
        expect(currentTraceId()).toBe(sent!.split('-')[1]);
        expect(trace.getSpan(context.active())?.isRecording()).toBe(true);
      });
      await expectEventually(() =>
        expect(receiver.spans.map((span) => span.name).sort()).toEqual(['inner', 'outer']),
      );
      const [outer, inner] = ['outer', 'inner'].map((name) =>
        receiver.spans.find((span) => span.name === name)!,
      );
      expect(inner.traceId).toBe(outer.traceId);
      expect(inner.parentSpanId).toBe(outer.spanId);
      expect(inner.attributes['bridge.service']).toBe('test');
    } finally {
      await tracing.close();
      await receiver.close();
    }
  });
});
