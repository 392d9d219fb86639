import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  key: string;
  cert: string;
}

/**
 * A self-signed certificate made by the `openssl` CLI, with chosen names and validity (`openssl ca`
 * is the only stock command that takes a start and end date, so an expired certificate can be made).
 * Dates are `YYYYMMDDHHMMSSZ`.
 */
export function makeTestCertificate(options: {
  commonName: string;
  altNames: string[];
  notBefore: string;
  notAfter: string;
}): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'bridge-cert-'));
  try {
    const file = (name: string) => join(dir, name);
    writeFileSync(file('index.txt'), '');
    writeFileSync(file('serial'), '01\n');
    writeFileSync(
      file('ca.cnf'),
      [
        '[ ca ]',
        'default_ca = ca_default',
        '[ ca_default ]',
        `database = ${file('index.txt')}`,
        `new_certs_dir = ${dir}`,
        `serial = ${file('serial')}`,
        'default_md = sha256',
        'policy = policy_any',
        'unique_subject = no',
        '[ policy_any ]',
        'commonName = supplied',
        '[ ext ]',
        `subjectAltName = ${options.altNames.join(',')}`,
        '',
      ].join('\n'),
    );
    const quiet = { stdio: 'pipe' as const };
    execFileSync(
      'openssl',
      [
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        file('key.pem'),
        '-subj',
        `/CN=${options.commonName}`,
        '-out',
        file('req.csr'),
      ],
      quiet,
    );
    execFileSync(
      'openssl',
      [
        'ca',
        '-batch',
        '-config',
        file('ca.cnf'),
        '-selfsign',
        '-keyfile',
        file('key.pem'),
        '-in',
        file('req.csr'),
        '-out',
        file('cert.pem'),
        '-startdate',
        options.notBefore,
        '-enddate',
        options.notAfter,
        '-extensions',
        'ext',
        '-notext',
      ],
      quiet,
    );
    return { key: readFileSync(file('key.pem'), 'utf8'), cert: readFileSync(file('cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
