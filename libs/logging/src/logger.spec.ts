import { Logger } from '@nestjs/common';
import { Writable } from 'node:stream';
import { createLogger, PinoNestLogger } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: new PinoNestLogger(createLogger('test', 'trace', destination)) };
}

describe('PinoNestLogger', () => {
  it('writes structured calls as pino fields, with secrets and PHI keys censored at any depth', () => {
    const { lines, logger } = capture();
    logger.warn(
      {
        msg: 'hospital answered',
        runId: 'run-1',
        raw: 'MSH|^~\\&|PID|||Vandenbergh',
        reply: 'MSA|AE|hospital text',
        connection: { password: 'hunter2', privateKey: '-----BEGIN', host: 'emr.example' },
        error: { details: { lastName: 'Quist', birthDate: '1985-07-15' } },
      },
      'SiuRunFetcher',
    );
    expect(lines).toHaveLength(1);
    const line = lines[0];
    expect(line).toMatchObject({
      level: 40,
      msg: 'hospital answered',
      context: 'SiuRunFetcher',
      runId: 'run-1',
    });
    expect(line.raw).toBe('[redacted]');
    expect(line.reply).toBe('[redacted]');
    expect(line.connection).toEqual({
      password: '[redacted]',
      privateKey: '[redacted]',
      host: 'emr.example',
    });
    expect(line.error).toEqual({ details: { lastName: '[redacted]', birthDate: '[redacted]' } });
    const text = JSON.stringify(line);
    for (const value of ['hunter2', 'BEGIN', 'Vandenbergh', 'Quist', '1985-07-15', 'hospital text']) {
      expect(text).not.toContain(value);
    }
  });

  it('keeps plain messages as text and reaches pino through Nest loggers with their context', () => {
    const { lines, logger } = capture();
    Logger.overrideLogger(logger);
    try {
      new Logger('Ctx').log({ msg: 'listener started', port: 2575, token: 'abc' });
      new Logger('Ctx').error('failed plainly');
      logger.error('with stack', 'Error: x\n    at y', 'Ctx2');
    } finally {
      Logger.overrideLogger(false as never);
    }
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'listener started',
      port: 2575,
      token: '[redacted]',
      context: 'Ctx',
    });
    expect(lines[1]).toMatchObject({ level: 50, msg: 'failed plainly', context: 'Ctx' });
    expect(lines[2]).toMatchObject({
      level: 50,
      msg: 'with stack',
      context: 'Ctx2',
      trace: 'Error: x\n    at y',
    });
  });
});

describe('trace id in log lines', () => {
  it("adds the active span's trace id next to the correlation id, and nothing outside a trace", async () => {
    const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
    const { context, trace, TraceFlags } = await import('@opentelemetry/api');
    const { withCorrelationId } = await import('./correlation');
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const { lines, logger } = capture();
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      const traced = trace.setSpanContext(context.active(), {
        traceId,
        spanId: 'b7ad6b7169203331',
        traceFlags: TraceFlags.SAMPLED,
      });
      withCorrelationId('corr-1', () => context.with(traced, () => logger.log('inside')));
      logger.log('outside');
      expect(lines[0]).toMatchObject({ msg: 'inside', correlationId: 'corr-1', traceId });
      expect(lines[1].traceId).toBeUndefined();
    } finally {
      context.disable();
    }
  });
});
