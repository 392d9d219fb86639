/**
 * Where a serial P3 lookup's time goes across the distributed platform's processes (issue 17: its added p99),
 * from the spans the services already export. Two steps:
 *
 *   node bench/support/span-timeline.js collect spans.jsonl &      # an OTLP/HTTP (JSON) collector on :4318
 *   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 OTEL_BSP_SCHEDULE_DELAY=1000 \
 *     BENCH_TOPOLOGY=distributed npm run bench -- import
 *   node bench/support/span-timeline.js report spans.jsonl
 *
 * The report takes the `POST /v1/imports` traces that ran alone (no other lookup's root span overlapping:
 * the benchmark's serial phases) and splits each at its spans' edges: the gateway's own work, the RPC hop to
 * patient-import, its work before the query, the hop to hl7-gateway, the journal row before the MLLP
 * exchange, the exchange, the completion after it, and the way back. It prints each segment's mean over the
 * middle fifth of the lookups and over the slowest 5%: a segment that alone grows in the slow ones is the
 * tail's cause; every segment growing alike is contention for the host's cores. Tracing costs CPU of its own
 * (about a third more per lookup): compare the two columns, not the figures with an untraced run.
 * Diagnostic only; nothing else loads it.
 */
'use strict';
const { createWriteStream, readFileSync } = require('node:fs');
const { createServer } = require('node:http');

const [, , command, file = 'spans.jsonl', port = '4318'] = process.argv;

/** Writes every span it receives as one JSON line: service, trace, name, start and end in microseconds. */
function collect(path, listenPort) {
  const out = createWriteStream(path, { flags: 'a' });
  createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      try {
        for (const resource of JSON.parse(Buffer.concat(chunks).toString('utf8')).resourceSpans ?? []) {
          const service = resource.resource?.attributes?.find((a) => a.key === 'service.name')?.value
            ?.stringValue;
          for (const scope of resource.scopeSpans ?? [])
            for (const span of scope.spans ?? [])
              out.write(
                `${JSON.stringify({
                  service,
                  trace: span.traceId,
                  name: span.name,
                  start: Number(BigInt(span.startTimeUnixNano) / 1000n),
                  end: Number(BigInt(span.endTimeUnixNano) / 1000n),
                })}\n`,
              );
        }
      } catch (error) {
        process.stderr.write(`unreadable batch: ${error.message}\n`);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  }).listen(listenPort, '127.0.0.1', () => process.stderr.write(`collecting spans into ${path}\n`));
}

/** The spans a lookup's segments are cut at: [service, span name]. */
const EDGES = {
  root: ['gateway', 'POST /v1/imports'],
  toImport: ['gateway', 'imports.lookup.v1 send'],
  inImport: ['patient-import', 'imports.lookup.v1 process'],
  toGateway: ['patient-import', 'hl7.demographics.query.v1 send'],
  inGateway: ['hl7-gateway', 'hl7.demographics.query.v1 process'],
  exchange: ['hl7-gateway', 'mllp exchange'],
};

function report(path) {
  const traces = new Map();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line) continue;
    const span = JSON.parse(line);
    if (!traces.has(span.trace)) traces.set(span.trace, []);
    traces.get(span.trace).push(span);
  }
  const lookups = [];
  for (const spans of traces.values()) {
    const edge = {};
    for (const [key, [service, name]] of Object.entries(EDGES))
      edge[key] = spans.find((span) => span.service === service && span.name === name);
    if (Object.values(edge).every(Boolean)) lookups.push(edge);
  }
  lookups.sort((a, b) => a.root.start - b.root.start);
  // Alone: its root span overlaps neither neighbour's (the roots are sorted by start).
  const alone = lookups.filter(
    (lookup, i) =>
      (i === 0 || lookups[i - 1].root.end <= lookup.root.start) &&
      (i === lookups.length - 1 || lookups[i + 1].root.start >= lookup.root.end),
  );
  if (alone.length < 20) {
    process.stdout.write(`only ${alone.length} serial lookups in ${path}: nothing to report\n`);
    return;
  }
  const rows = alone
    .map(({ root, toImport, inImport, toGateway, inGateway, exchange }) => ({
      'gateway, before the RPC': toImport.start - root.start,
      'hop to patient-import': inImport.start - toImport.start,
      'patient-import, before its query': toGateway.start - inImport.start,
      'hop to hl7-gateway': inGateway.start - toGateway.start,
      'hl7-gateway, journal row': exchange.start - inGateway.start,
      'MLLP exchange': exchange.end - exchange.start,
      'hl7-gateway, completion': inGateway.end - exchange.end,
      'hop back to patient-import': toGateway.end - inGateway.end,
      'patient-import, session': inImport.end - toGateway.end,
      'hop back to the gateway': toImport.end - inImport.end,
      'gateway, answer': root.end - toImport.end,
      total: root.end - root.start,
    }))
    .sort((a, b) => a.total - b.total);
  const middle = rows.slice(Math.floor(rows.length * 0.4), Math.ceil(rows.length * 0.6));
  const slowest = rows.slice(Math.floor(rows.length * 0.95));
  const mean = (group, key) => group.reduce((sum, row) => sum + row[key], 0) / group.length / 1000;
  const lines = Object.keys(rows[0]).map(
    (key) =>
      `  ${key.padEnd(34)} ${mean(middle, key).toFixed(2).padStart(7)} ${mean(slowest, key).toFixed(2).padStart(9)}` +
      `   x${(mean(slowest, key) / Math.max(mean(middle, key), 0.001)).toFixed(1)}`,
  );
  process.stdout.write(
    `${rows.length} serial lookups; mean ms of the middle fifth and of the slowest 5% (${slowest.length}):\n` +
      `  ${'segment'.padEnd(34)} ${'middle'.padStart(7)} ${'slowest'.padStart(9)}\n${lines.join('\n')}\n`,
  );
}

if (command === 'collect') collect(file, Number(port));
else if (command === 'report') report(file);
else {
  process.stderr.write('usage: span-timeline.js collect|report [spans.jsonl] [port]\n');
  process.exit(2);
}
