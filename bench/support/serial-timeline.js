/**
 * Where a lookup's time goes inside the embedded process (P3's added p50, issue 17). Preload it in the process
 * under test:
 *
 *   BENCH_NODE_ARGS="--require $PWD/bench/support/serial-timeline.js" BENCH_TOPOLOGY=embedded \
 *     BENCH_KEEP_OPEN_MS=60000 npm run bench -- import
 *
 * It follows each `POST /v1/imports` that has the process to itself (the benchmark's serial phase) from the
 * HTTP server's request event to the response's end, marks every socket write and read on the way by the
 * peer's port (PostgreSQL's, the hospital's), and every 200 lookups rewrites SERIAL_TIMELINE_FILE (default
 * serial-timeline.txt in the working directory) with the commonest sequence of marks and the median time of
 * each step: the database round trips on the critical path and the process's own work between them.
 * Diagnostic only: it wraps node's http and net internals (`_writeGeneric`), so it is never loaded otherwise.
 */
'use strict';
const { writeFileSync } = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const { performance } = require('node:perf_hooks');

const PATH = '/v1/imports';
const OUTPUT = process.env.SERIAL_TIMELINE_FILE ?? 'serial-timeline.txt';
const EVERY = 200;

let current; // the marks of the lookup in flight, while it is alone
let inFlight = 0;
const recorded = [];

const mark = (label) => current?.push([label, performance.now()]);

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, request, response) {
  if (event === 'request' && request.url === PATH) {
    inFlight++;
    if (current) current.shared = true;
    const marks = [['request', performance.now()]];
    marks.shared = inFlight > 1;
    current = marks;
    response.on('close', () => inFlight--);
    response.on('finish', () => {
      marks.push(['response finish event', performance.now()]);
      if (current === marks) current = undefined;
      if (marks.shared) return;
      recorded.push(marks);
      if (recorded.length % EVERY === 0) writeFileSync(OUTPUT, summary());
    });
  }
  return emit.apply(this, arguments);
};

const writeGeneric = net.Socket.prototype._writeGeneric;
net.Socket.prototype._writeGeneric = function () {
  mark(`write :${this.remotePort}`);
  return writeGeneric.apply(this, arguments);
};
const socketEmit = net.Socket.prototype.emit;
net.Socket.prototype.emit = function (event) {
  if (event === 'data') mark(`read :${this.remotePort}`);
  return socketEmit.apply(this, arguments);
};

function summary() {
  const bySequence = new Map();
  for (const marks of recorded) {
    const key = marks.map(([label]) => label).join(' > ');
    const same = bySequence.get(key) ?? [];
    same.push(marks);
    bySequence.set(key, same);
  }
  const [sequence, lookups] = [...bySequence].sort((a, b) => b[1].length - a[1].length)[0];
  const labels = sequence.split(' > ');
  const lines = labels.map((label, step) => {
    const took = step === 0 ? 0 : median(lookups.map((marks) => marks[step][1] - marks[step - 1][1]));
    return `${took.toFixed(3).padStart(8)} ms  ${label}`;
  });
  const total = median(lookups.map((marks) => marks[marks.length - 1][1] - marks[0][1]));
  return (
    `${recorded.length} lookups alone in the process; the commonest sequence (${lookups.length} of them), ` +
    `median time of each step (since the mark before), ${total.toFixed(3)} ms in all:\n${lines.join('\n')}\n`
  );
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
