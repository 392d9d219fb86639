// `npm run test:scim-peer`: Microsoft's SCIM test collection for Entra ID provisioning (the peer suite in
// ../shared/interop/scim-microsoft, see its README) run with newman against the embedded platform: in
// process, on an embedded PostgreSQL, on a port the OS chooses, with a fresh hospital and a SCIM API client
// made by API. The collection's "Get Token" request is skipped (it calls the reference server's own test
// token endpoint). Every assertion counts except the collection quirks listed below, each excused only
// under the condition its README gives; anything else failing makes this exit non-zero.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
/** CI clones the project with shared/ beside it; SCIM_PEER_COLLECTION names another copy (other layouts). */
const COLLECTION =
  process.env.SCIM_PEER_COLLECTION ||
  join(root, '..', 'shared', 'interop', 'scim-microsoft', 'PostmanCollection.json');
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const require = createRequire(import.meta.url);
const newman = require('newman');

/**
 * Collection quirks (not defects), from the collection's README. `applies(execution, probes)` checks the
 * README's "only when" condition on what the platform actually answered.
 */
const QUIRKS = [
  {
    id: '/serviceConfiguration',
    reason:
      'not a SCIM endpoint; RFC 7644 §4 names /ServiceProviderConfig (the reference server serves both)',
    matches: (failure) => failure.request === 'Get ServiceProviderConfig',
    applies: (_execution, probes) =>
      probes.serviceProviderConfig.status === 200 &&
      probes.serviceProviderConfig.body?.patch?.supported === true,
  },
  {
    id: '"User Account"',
    reason: "wants the free-text description of RFC 7643 §8.7.1's example schema; nobody reads descriptions",
    matches: (failure) =>
      failure.request === 'Get Schemas' && failure.assertion === 'Body contians User Account',
    applies: (_execution, probes) =>
      probes.schemas.status === 200 &&
      probes.schemas.body?.Resources?.some((schema) => schema.id === USER_SCHEMA),
  },
  {
    id: 'PATCH 204',
    reason: 'RFC 7644 §3.5.2 allows 200 with the resource or 204; IdPs accept both',
    matches: (failure) => failure.method === 'PATCH' && failure.assertion === 'Status code is 204',
    applies: (execution) => execution.status === 200,
  },
  {
    id: 'ResourceTypes order',
    reason: 'reads only Resources[0]; RFC 7644 §4 gives the list no order',
    matches: (failure) =>
      failure.request === 'Get ResourceTypes' && failure.assertion === 'User endpoint exists',
    applies: (execution) => execution.json?.Resources?.some((type) => type.endpoint === '/Users') === true,
  },
  {
    id: 'member displayName echo',
    reason:
      'wants the non-standard members[].displayName sent in the PATCH echoed; members.display is read-only and server-set (RFC 7643 §4.2)',
    matches: (failure) => failure.request === 'Get group by id' && failure.assertion === 'Body contians user',
    applies: (execution) => execution.status === 200 && Array.isArray(execution.json?.members),
  },
  {
    id: 'string member',
    reason:
      'adds the plain string "string id 1" as a member: neither a member object nor a user id; refusing it is correct',
    matches: (failure) => /^Group patch add member2?$/.test(failure.request),
    applies: (execution) => execution.status === 400,
  },
];

/** The last quirk, checked by a second run: see reusedExternalIds and main(). */
const REUSED_EXTERNAL_ID = {
  id: 'reused externalId',
  reason:
    'the collection gives several live resources one literal externalId ("${__UUID}", a JMeter placeholder newman sends as is, or one fixed UUID); RFC 7643 §3.1 leaves externalId uniqueness to the client, so a 409 is a fair answer',
};

async function main() {
  if (!existsSync(COLLECTION)) throw new Error(`The peer collection is missing: ${COLLECTION}`);
  const build = compile();
  const dataDir = mkdtempSync(join(tmpdir(), 'scim-peer-'));
  const { startEmbeddedPostgres, ensureDatabase, withDatabase } = require(
    join(build, 'libs/database/src/index.js'),
  );
  const { startPlatform } = require(join(build, 'apps/embedded/src/platform.js'));
  const { loadOrCreateSecrets } = require(join(build, 'apps/embedded/src/local-secrets.js'));
  const postgres = await startEmbeddedPostgres({ dataDir, port: 0 });
  let platform;
  try {
    const databaseUrl = withDatabase(postgres.url, 'scim_peer');
    await ensureDatabase(databaseUrl);
    const secrets = loadOrCreateSecrets(dataDir, {});
    platform = await startPlatform(
      {
        ...process.env,
        ...secrets,
        DATABASE_URL: databaseUrl,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'error',
        SIU_LISTENER_HOST: '127.0.0.1',
      },
      { port: 0 },
    );
    const collection = JSON.parse(readFileSync(COLLECTION, 'utf8'));
    collection.item = collection.item.filter((item) => item.name !== 'Get Token');
    const reused = reusedExternalIds(collection);

    const first = await runOnFreshHospital(platform, secrets, collection, 'scim-peer-1');
    // Second run, fresh hospital, every reused externalId literal replaced by {{$guid}}: what passes there
    // and failed in the first run failed only because of the reuse.
    const second = await runOnFreshHospital(
      platform,
      secrets,
      withFreshExternalIds(collection, reused),
      'scim-peer-2',
    );

    const unexplained = [];
    const excused = new Map();
    const excuse = (quirk, failure) => excused.set(quirk.id, [...(excused.get(quirk.id) ?? []), failure]);
    for (const [label, run] of [
      ['run 1', first],
      ['run 2 (fresh externalIds)', second],
    ]) {
      for (const failure of run.failures) {
        const quirk = QUIRKS.find(
          (candidate) =>
            candidate.matches(failure) && candidate.applies(run.executions[failure.position], run.probes),
        );
        if (quirk) {
          if (label === 'run 1') excuse(quirk, failure);
          continue;
        }
        const passedLater =
          label === 'run 1' && reused.size > 0 && !second.failures.some((other) => sameCheck(other, failure));
        if (passedLater) excuse(REUSED_EXTERNAL_ID, failure);
        else unexplained.push({ label, ...failure });
      }
    }

    const total = first.total;
    const passed = total - first.failures.length;
    const lines = [
      '',
      `SCIM peer suite (Microsoft's collection, ${first.requests} requests, "Get Token" skipped): ${passed} of ${total} assertions pass`,
      `  Users: ${first.byResource.Users.passed} of ${first.byResource.Users.total}, Groups: ${first.byResource.Groups.passed} of ${first.byResource.Groups.total}, other: ${first.byResource.other.passed} of ${first.byResource.other.total}`,
      `  second run (reused externalIds made unique): ${second.total - second.failures.length} of ${second.total}`,
    ];
    for (const quirk of [...QUIRKS, REUSED_EXTERNAL_ID]) {
      const list = excused.get(quirk.id) ?? [];
      if (list.length > 0)
        lines.push(
          `  quirk ${quirk.id} (${list.length}): ${quirk.reason}`,
          ...list.map((f) => `      ${f.request} › ${f.assertion}`),
        );
    }
    if (unexplained.length > 0) {
      lines.push(`  FAILED, not a listed quirk (${unexplained.length}):`);
      for (const failure of unexplained)
        lines.push(
          `      [${failure.label}] #${failure.position} ${failure.method} ${failure.request} › ${failure.assertion} (HTTP ${failure.status}): ${failure.message}`,
        );
    } else {
      lines.push('  OK: every failure is a listed collection quirk');
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    process.exitCode = unexplained.length > 0 ? 1 : 0;
  } finally {
    await platform?.close().catch(() => undefined);
    await postgres.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** apps/ and libs/ compiled as `npm run build` does (without the Care-app screens) into a cache folder. */
function compile() {
  const out = join(root, 'node_modules', '.cache', 'scim-peer');
  rmSync(out, { recursive: true, force: true });
  execFileSync(
    join(root, 'node_modules', '.bin', 'swc'),
    [
      'apps',
      'libs',
      '-d',
      out,
      '--config-file',
      '.swcrc',
      '--ignore',
      '**/*.spec.ts,**/*.medium-spec.ts,apps/care-web/**',
      '--quiet',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  return out;
}

async function runOnFreshHospital(platform, secrets, collection, key) {
  const admin = await token(platform.url, secrets.ADMIN_CLIENT_ID, secrets.ADMIN_CLIENT_SECRET);
  const hospital = await call(
    platform.url,
    'POST',
    '/v1/admin/hospitals',
    admin,
    { key, name: `SCIM peer ${key}` },
    201,
  );
  const client = await call(
    platform.url,
    'POST',
    `/v1/admin/hospitals/${hospital.id}/api-clients`,
    admin,
    { name: 'IdP', scopes: ['scim'] },
    201,
  );
  const bearer = await token(platform.url, client.clientId, client.clientSecret);
  const { port } = new URL(platform.url);
  const summary = await new Promise((resolve, reject) =>
    newman.run(
      {
        collection,
        reporters: [],
        envVar: [
          { key: 'Protocol', value: 'http' },
          { key: 'Server', value: '127.0.0.1' },
          { key: 'Port', value: `:${port}` },
          { key: 'Api', value: 'scim/v2' },
          { key: 'token', value: bearer },
        ],
        timeoutRequest: 30_000,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    ),
  );
  const scim = (path) => callRaw(platform.url, 'GET', `/scim/v2${path}`, bearer);
  const probes = {
    serviceProviderConfig: await scim('/ServiceProviderConfig'),
    schemas: await scim('/Schemas'),
  };
  return { probes, ...tally(summary) };
}

/** Every assertion of every request, by position in the run, and the failures (script errors too). */
function tally(summary) {
  const executions = [];
  const failures = [];
  const byResource = {
    Users: { total: 0, passed: 0 },
    Groups: { total: 0, passed: 0 },
    other: { total: 0, passed: 0 },
  };
  let total = 0;
  summary.run.executions.forEach((execution, position) => {
    const request = execution.item.name;
    const method = execution.request?.method;
    const path = execution.request?.url?.getPath?.() ?? '';
    const resource = /\/users\b/i.test(path) ? 'Users' : /\/groups\b/i.test(path) ? 'Groups' : 'other';
    const status = execution.response?.code;
    let json;
    try {
      json = JSON.parse(execution.response?.stream?.toString('utf8') ?? '');
    } catch {
      json = undefined;
    }
    executions[position] = { status, json };
    for (const assertion of execution.assertions ?? []) {
      total++;
      byResource[resource].total++;
      if (assertion.error)
        failures.push({
          position,
          request,
          method,
          status,
          assertion: assertion.assertion,
          message: assertion.error.message,
        });
      else byResource[resource].passed++;
    }
  });
  // A test script that throws (e.g. reading JSON from a non-JSON answer) fails its request too.
  for (const failure of summary.run.failures) {
    if (failure.error?.name === 'AssertionError') continue;
    const position = failure.cursor?.position ?? -1;
    const execution = summary.run.executions[position];
    total++;
    failures.push({
      position,
      request: failure.source?.name ?? 'collection',
      method: execution?.request?.method,
      status: execution?.response?.code,
      assertion: `script: ${failure.error?.name}`,
      message: failure.error?.message,
    });
  }
  return { total, failures, executions, byResource, requests: summary.run.executions.length };
}

function sameCheck(a, b) {
  return a.position === b.position && a.assertion === b.assertion;
}

/** externalId literals the collection gives more than one request (`${__UUID}` is sent as is by newman). */
function reusedExternalIds(collection) {
  const counts = new Map();
  for (const body of bodies(collection))
    for (const [, literal] of body.raw.matchAll(/"externalId"\s*:\s*"([^"]*)"/gi))
      counts.set(literal, (counts.get(literal) ?? 0) + 1);
  return new Set([...counts].filter(([, count]) => count > 1).map(([literal]) => literal));
}

function withFreshExternalIds(collection, reused) {
  const copy = JSON.parse(JSON.stringify(collection));
  for (const body of bodies(copy))
    body.raw = body.raw.replace(/("externalId"\s*:\s*)"([^"]*)"/gi, (whole, key, literal) =>
      reused.has(literal) ? `${key}"{{$guid}}"` : whole,
    );
  return copy;
}

function* bodies(collection) {
  const walk = function* (items) {
    for (const item of items) {
      if (item.item) yield* walk(item.item);
      else if (item.request?.body?.raw) yield item.request.body;
    }
  };
  yield* walk(collection.item);
}

async function token(url, clientId, clientSecret) {
  const body = await call(
    url,
    'POST',
    '/v1/oauth/token',
    undefined,
    { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
    200,
  );
  return body.access_token;
}

async function call(url, method, path, bearer, body, expected) {
  const response = await callRaw(url, method, path, bearer, body);
  if (response.status !== expected)
    throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

async function callRaw(url, method, path, bearer, body) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed };
}

main().catch((error) => {
  process.stderr.write(`test:scim-peer: ${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
