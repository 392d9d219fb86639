import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaseAgent, utils, type ParsedKey, type SFTPWrapper } from 'ssh2';
import SftpClient from 'ssh2-sftp-client';
import { expectEventually } from '@bridge/testing';
import { startHospitalSim, type HospitalSim } from '../hospital-sim';
import type { SimSftp } from './sim-sftp';
import { generateEd25519Pair } from './ssh-host-key';

const STATUS = utils.sftp.STATUS_CODE;

interface Connected {
  readonly client: SftpClient;
  /** ssh2's own SFTP object under the client, for requests the client library rewords or lacks. */
  readonly wrapper: SFTPWrapper;
  /** The host key blob the client's hostVerifier was shown. */
  readonly hostKey: Buffer;
  /** Resolves when the client's connection has closed. */
  readonly closed: Promise<void>;
}

interface Login {
  readonly username?: string;
  readonly password?: string;
  readonly privateKey?: string;
  readonly agent?: BaseAgent;
}

/** An agent that offers one public key and signs with whatever private key it is given: honest or forging. */
class SigningAgent extends BaseAgent<ParsedKey> {
  constructor(
    private readonly offered: ParsedKey,
    private readonly signer: ParsedKey,
  ) {
    super();
  }

  getIdentities(callback: (error: Error | undefined, keys?: ParsedKey[]) => void): void {
    callback(undefined, [this.offered]);
  }

  sign(_key: ParsedKey, data: Buffer, ...rest: unknown[]): void {
    const callback = rest[rest.length - 1] as (error: Error | undefined, signature?: Buffer) => void;
    callback(undefined, this.signer.sign(data));
  }
}

function parsed(key: string): ParsedKey {
  const result = utils.parseKey(key);
  if (result instanceof Error) throw result;
  return result;
}

let clients: SftpClient[] = [];

/** Connects the way siu-ingestor's SftpSource does (ssh2-sftp-client, quiet listeners). */
async function connect(sftp: SimSftp, login: Login = {}): Promise<Connected> {
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  const client = new SftpClient('sim-sftp-spec', {
    error: () => undefined,
    end: () => undefined,
    close: () => undefined,
  });
  client.on('close', () => markClosed());
  clients.push(client);
  let hostKey: Buffer = Buffer.alloc(0);
  const wrapper = await client.connect({
    host: sftp.host,
    port: sftp.port,
    username: login.username ?? sftp.username,
    ...(login.privateKey || login.agent
      ? { privateKey: login.privateKey, agent: login.agent }
      : { password: login.password ?? sftp.password }),
    hostVerifier: (key: Buffer) => {
      hostKey = key;
      return true;
    },
    // Generous: on two busy cores a handshake can take seconds, and a timeout would hide the refusal under test.
    readyTimeout: 30_000,
  });
  return { client, wrapper, hostKey, closed };
}

async function failureOf(promise: Promise<unknown>): Promise<Error & { code?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: unknown };
  }
  throw new Error('expected the request to fail');
}

/**
 * Reads a whole ssh2 read stream and waits until its handle is closed. ssh2's stream reports a failed read and
 * then again the failed CLOSE of its handle; the second would be an unhandled 'error', hence the listener.
 */
async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  stream.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  await closed;
  return Buffer.concat(chunks);
}

function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}

describe('hospital-sim SFTP', () => {
  let base: string;
  let root: string;
  let outside: string;
  let sim: HospitalSim;
  let sftp: SimSftp;
  const clientKey = generateEd25519Pair();

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'sim-sftp-'));
    root = join(base, 'root');
    outside = join(base, 'outside');
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, 'secret.txt'), 'not yours');
    sim = await startHospitalSim({ sftp: { root, authorizedPublicKey: clientKey.public } });
    sftp = sim.sftp!;
  });

  afterEach(async () => {
    sftp.setFaults({});
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    clients = [];
  });

  afterAll(async () => {
    await sim.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('serves only when asked, and reports where and as whom', async () => {
    const plain = await startHospitalSim();
    expect(plain.sftp).toBeUndefined();
    await plain.close();
    expect(sftp).toMatchObject({ host: '127.0.0.1', username: 'agenda', root });
    expect(sftp.port).toBeGreaterThan(0);
    expect(sftp.password.length).toBeGreaterThanOrEqual(16);
    expect(existsSync(root)).toBe(true);
  });

  it('logs in with the password and presents the host key whose SHA-256 it prints, as ssh-keygen -l does', async () => {
    const { client, hostKey } = await connect(sftp);
    const fingerprint = `SHA256:${createHash('sha256').update(hostKey).digest('base64').replace(/=+$/, '')}`;
    expect(sftp.hostKeySha256).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(fingerprint).toBe(sftp.hostKeySha256);
    expect(await client.cwd()).toBe('/');
  });

  it('refuses a wrong password, a wrong user and a key it does not know', async () => {
    expect((await failureOf(connect(sftp, { password: `${sftp.password}x` }))).message).toMatch(
      /authentication/i,
    );
    expect((await failureOf(connect(sftp, { username: 'root' }))).message).toMatch(/authentication/i);
    const stranger = generateEd25519Pair();
    expect((await failureOf(connect(sftp, { privateKey: stranger.private }))).message).toMatch(
      /authentication/i,
    );
  });

  it('logs in with the authorized public key, and only with a signature made by its private key', async () => {
    const { client } = await connect(sftp, { privateKey: clientKey.private });
    expect(await client.exists('/')).toBe('d');
    const honest = new SigningAgent(parsed(clientKey.public), parsed(clientKey.private));
    await connect(sftp, { agent: honest });
    const forger = new SigningAgent(parsed(clientKey.public), parsed(generateEd25519Pair().private));
    expect((await failureOf(connect(sftp, { agent: forger }))).message).toMatch(/authentication/i);
  });

  it('lists the names, sizes, types and modification times of what lies on disk', async () => {
    const folder = join(root, 'listing');
    mkdirSync(join(folder, 'archive'), { recursive: true });
    writeFileSync(join(folder, 'siu-1.hl7'), 'MSH|^~\\&|one\r');
    writeFileSync(join(folder, 'siu-2.hl7'), Buffer.alloc(70_000, 'x'));
    utimesSync(join(folder, 'siu-1.hl7'), 1_700_000_000, 1_700_000_100);
    const { client } = await connect(sftp);
    const entries = (await client.list('/listing')).sort((a, b) => a.name.localeCompare(b.name));
    expect(entries.map(({ name, type, size }) => ({ name, type, size }))).toEqual([
      { name: 'archive', type: 'd', size: statSync(join(folder, 'archive')).size },
      { name: 'siu-1.hl7', type: '-', size: 13 },
      { name: 'siu-2.hl7', type: '-', size: 70_000 },
    ]);
    expect(entries[1].modifyTime).toBe(1_700_000_100_000);
    expect(entries[1].accessTime).toBe(1_700_000_000_000);
    expect((await client.stat('/listing/siu-1.hl7')).modifyTime).toBe(1_700_000_100_000);
  });

  it('streams a 5 MB file byte for byte', async () => {
    const content = randomBytes(5 * 1024 * 1024);
    writeFileSync(join(root, 'big.hl7'), content);
    const { client } = await connect(sftp);
    const read = await readAll(client.createReadStream('/big.hl7'));
    expect(read.length).toBe(content.length);
    expect(read.equals(content)).toBe(true);
  }, 30_000);

  it('puts, renames, deletes, makes directories (recursively) and says what exists', async () => {
    const { client } = await connect(sftp);
    await client.mkdir('/work/h1/archive', true);
    expect(statSync(join(root, 'work/h1/archive')).isDirectory()).toBe(true);
    await client.put(Buffer.from('MSH|one'), '/work/h1/siu.hl7');
    expect(readFileSync(join(root, 'work/h1/siu.hl7'), 'utf8')).toBe('MSH|one');
    expect(await client.exists('/work/h1/siu.hl7')).toBe('-');
    expect(await client.exists('/work/h1/archive')).toBe('d');
    expect(await client.exists('/work/h1/nothing.hl7')).toBe(false);
    await client.rename('/work/h1/siu.hl7', '/work/h1/archive/siu.hl7');
    expect(existsSync(join(root, 'work/h1/siu.hl7'))).toBe(false);
    expect(readFileSync(join(root, 'work/h1/archive/siu.hl7'), 'utf8')).toBe('MSH|one');
    await client.delete('/work/h1/archive/siu.hl7');
    expect(existsSync(join(root, 'work/h1/archive/siu.hl7'))).toBe(false);
    await client.rmdir('/work/h1/archive');
    expect(existsSync(join(root, 'work/h1/archive'))).toBe(false);
  });

  it('applies the times and permissions a client sets (SETSTAT, FSETSTAT)', async () => {
    writeFileSync(join(root, 'stamped.hl7'), 'MSH|stamp');
    const { client, wrapper } = await connect(sftp);
    await new Promise<void>((resolve, reject) =>
      wrapper.utimes('/stamped.hl7', 1_600_000_000, 1_600_000_500, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    await client.chmod('/stamped.hl7', 0o600);
    const info = statSync(join(root, 'stamped.hl7'));
    expect(Math.floor(info.mtimeMs / 1000)).toBe(1_600_000_500);
    expect(Math.floor(info.atimeMs / 1000)).toBe(1_600_000_000);
    expect(info.mode & 0o777).toBe(0o600);
    const handle = await new Promise<Buffer>((resolve, reject) =>
      wrapper.open('/stamped.hl7', 'r', (error, opened) => (error ? reject(error) : resolve(opened))),
    );
    await new Promise<void>((resolve, reject) =>
      wrapper.futimes(handle, 1_650_000_000, 1_650_000_000, (error) => (error ? reject(error) : resolve())),
    );
    expect(Math.floor(statSync(join(root, 'stamped.hl7')).mtimeMs / 1000)).toBe(1_650_000_000);
  });

  it('refuses to rename onto an existing file and changes nothing', async () => {
    mkdirSync(join(root, 'clash'), { recursive: true });
    writeFileSync(join(root, 'clash/new.hl7'), 'new');
    writeFileSync(join(root, 'clash/old.hl7'), 'old');
    const { client } = await connect(sftp);
    const error = await failureOf(client.rename('/clash/new.hl7', '/clash/old.hl7'));
    expect(error.code).toBe(STATUS.FAILURE);
    expect(readFileSync(join(root, 'clash/new.hl7'), 'utf8')).toBe('new');
    expect(readFileSync(join(root, 'clash/old.hl7'), 'utf8')).toBe('old');
  });

  it('keeps every path inside the root: .. is refused, absolute paths are the root, symlinks out are refused', async () => {
    mkdirSync(join(root, 'jail'), { recursive: true });
    symlinkSync(join(outside, 'secret.txt'), join(root, 'jail/secret-link'));
    symlinkSync(outside, join(root, 'jail/outside-dir'));
    symlinkSync(join(outside, 'planted.txt'), join(root, 'jail/dangling'));
    const { client } = await connect(sftp);

    expect((await failureOf(client.list('/..'))).code).toBe(STATUS.PERMISSION_DENIED);
    expect((await failureOf(client.get('/jail/../../outside/secret.txt'))).code).toBe(
      STATUS.PERMISSION_DENIED,
    );
    expect((await failureOf(client.get(`${outside}/secret.txt`))).code).toBe(STATUS.NO_SUCH_FILE);
    expect((await failureOf(client.get('/jail/secret-link'))).code).toBe(STATUS.PERMISSION_DENIED);
    expect((await failureOf(client.list('/jail/outside-dir'))).code).toBe(STATUS.PERMISSION_DENIED);
    expect((await failureOf(client.put(Buffer.from('x'), '/jail/outside-dir/planted.txt'))).code).toBe(
      STATUS.PERMISSION_DENIED,
    );
    expect((await failureOf(client.put(Buffer.from('x'), '/jail/dangling'))).code).toBe(
      STATUS.PERMISSION_DENIED,
    );
    expect((await failureOf(client.rename('/jail/secret-link', '/jail/outside-dir/moved'))).code).toBe(
      STATUS.PERMISSION_DENIED,
    );
    expect((await failureOf(client.mkdir('/jail/outside-dir/made'))).code).toBe(STATUS.PERMISSION_DENIED);
    expect(readdirSync(outside).sort()).toEqual(['secret.txt']);
    // The link itself is inside the root: it is listed as a link, not followed.
    expect(await client.exists('/jail/secret-link')).toBe('l');
  });

  it('diskFullUnder: renames, writes and mkdirs into the archive fail as a full disk; the file stays at the source', async () => {
    mkdirSync(join(root, 'h1/archive'), { recursive: true });
    writeFileSync(join(root, 'h1/siu.hl7'), 'MSH|keep');
    const { client, wrapper } = await connect(sftp);
    sftp.setFaults({ diskFullUnder: '/h1/archive' });

    const rename = await failureOf(client.rename('/h1/siu.hl7', '/h1/archive/siu.hl7'));
    expect(rename.code).toBe(STATUS.FAILURE);
    expect(rename.message).toContain('No space left on device');
    expect((await failureOf(client.put(Buffer.from('x'), '/h1/archive/other.hl7'))).message).toContain(
      'No space left on device',
    );
    // ssh2-sftp-client words every failed mkdir its own way: ask ssh2 directly for the server's answer.
    const mkdir = await new Promise<Error & { code?: unknown }>((resolve) =>
      wrapper.mkdir('/h1/archive/2026', (error) => resolve(error as Error & { code?: unknown })),
    );
    expect(mkdir).toMatchObject({ code: STATUS.FAILURE, message: 'No space left on device' });
    expect(readFileSync(join(root, 'h1/siu.hl7'), 'utf8')).toBe('MSH|keep');
    expect(readdirSync(join(root, 'h1/archive'))).toEqual([]);
    // Reading and listing still work on a full disk, and so does writing elsewhere.
    expect(await client.exists('/h1/siu.hl7')).toBe('-');
    await client.put(Buffer.from('y'), '/h1/elsewhere.hl7');

    sftp.setFaults({});
    await client.rename('/h1/siu.hl7', '/h1/archive/siu.hl7');
    expect(readFileSync(join(root, 'h1/archive/siu.hl7'), 'utf8')).toBe('MSH|keep');
  });

  it('cutReadAfterBytes: the read fails, the connection is gone, the file is untouched; cleared, it reads again', async () => {
    const content = randomBytes(1024 * 1024);
    writeFileSync(join(root, 'cut.hl7'), content);
    const { client, closed } = await connect(sftp);
    sftp.setFaults({ cutReadAfterBytes: 100_000 });

    let received = 0;
    const stream = client.createReadStream('/cut.hl7');
    stream.on('data', (chunk: Buffer) => (received += chunk.length));
    await expect(readAll(stream)).rejects.toThrow();
    await closed;
    expect(received).toBeLessThanOrEqual(100_000);
    await expect(client.list('/')).rejects.toThrow();
    expect(readFileSync(join(root, 'cut.hl7')).equals(content)).toBe(true);

    sftp.setFaults({});
    const again = await connect(sftp);
    expect((await readAll(again.client.createReadStream('/cut.hl7'))).equals(content)).toBe(true);
  }, 15_000);

  it('frees the file descriptors of a connection that goes away', async () => {
    writeFileSync(join(root, 'fd.hl7'), 'MSH|fd');
    const before = openDescriptors();
    const { client, wrapper, closed } = await connect(sftp);
    const open = (): Promise<Buffer> =>
      new Promise((resolve, reject) =>
        wrapper.open('/fd.hl7', 'r', (error, handle) => (error ? reject(error) : resolve(handle))),
      );
    for (let i = 0; i < 20; i += 1) await open();
    expect(openDescriptors()).toBeGreaterThanOrEqual(before + 20);
    await client.end();
    await closed;
    await expectEventually(() => expect(openDescriptors()).toBeLessThanOrEqual(before + 2), {
      timeoutMs: 3000,
    });
  });

  it('answers OP_UNSUPPORTED to what it does not implement', async () => {
    const { wrapper } = await connect(sftp);
    const error = await new Promise<Error & { code?: unknown }>((resolve) =>
      wrapper.symlink('/a', '/b', (failure) => resolve(failure as Error & { code?: unknown })),
    );
    expect(error.code).toBe(STATUS.OP_UNSUPPORTED);
  });
});

describe('hospital-sim SFTP close()', () => {
  it('ends connected clients, resolves, and frees the port', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sim-sftp-close-'));
    const sim = await startHospitalSim({ sftp: { root, password: 'demo-password', username: 'planner' } });
    const sftp = sim.sftp!;
    expect(sftp).toMatchObject({ username: 'planner', password: 'demo-password' });
    const { client, closed } = await connect(sftp);
    const port = sftp.port;
    await sim.close();
    await closed;
    await expect(client.list('/')).rejects.toThrow();
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await client.end().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });
});
