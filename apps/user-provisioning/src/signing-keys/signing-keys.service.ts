import { Inject, Injectable } from '@nestjs/common';
import type { SigningKey } from '@bridge/auth';
import type { PublicJwkV1 } from '@bridge/contracts';
import { createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { USER_PROVISIONING_CONFIG, type UserProvisioningConfig } from '../user-provisioning.config';

/** Another instance may have rotated: the signing key in memory is re-read this often. */
const RELOAD_MS = 60_000;
const DAY_MS = 86_400_000;

interface KeyRow {
  kid: string;
  private_key_pem: string;
  public_jwk: PublicJwkV1;
  created_at: Date;
}

/**
 * The ES256 keys tokens are signed with. Generated here, kept in this service's schema with the private
 * half encrypted (SIGNING_KEY_PASSPHRASE), and never sent anywhere: other services get the public keys.
 * Rotation: a new key signs from now on; the retired one stays published until every token it signed has
 * expired (the longest token lifetime), so no token in flight is refused.
 */
@Injectable()
export class SigningKeysService {
  private current?: { key: SigningKey; createdAt: Date; loadedAt: number };

  constructor(
    private readonly dataSource: DataSource,
    @Inject(USER_PROVISIONING_CONFIG) private readonly config: UserProvisioningConfig,
  ) {}

  /** The key that signs now; made on first use, replaced when older than SIGNING_KEY_MAX_AGE_DAYS. */
  async signingKey(): Promise<SigningKey> {
    const now = Date.now();
    if (this.current && now - this.current.loadedAt < RELOAD_MS) return this.current.key;
    let row = await this.activeRow(this.dataSource.manager);
    if (!row || now - row.created_at.getTime() > this.config.SIGNING_KEY_MAX_AGE_DAYS * DAY_MS) {
      row = await this.replaceActive(row?.kid);
    }
    const key = {
      kid: row.kid,
      privateKey: createPrivateKey({
        key: row.private_key_pem,
        format: 'pem',
        passphrase: this.config.SIGNING_KEY_PASSPHRASE,
      }),
    };
    this.current = { key, createdAt: row.created_at, loadedAt: now };
    return key;
  }

  /** Every key whose tokens may still be valid. */
  async publicKeys(): Promise<PublicJwkV1[]> {
    await this.signingKey(); // a fresh platform publishes its first key before anyone asks for a token
    const rows: { public_jwk: PublicJwkV1 }[] = await this.dataSource.query(
      `SELECT public_jwk FROM user_provisioning.signing_keys
        WHERE retired_at IS NULL OR retired_at > clock_timestamp() - make_interval(secs => $1)
        ORDER BY created_at DESC`,
      [this.longestTokenLifetimeSeconds()],
    );
    return rows.map((row) => row.public_jwk);
  }

  /** Retires the signing key now and signs with a new one (this instance at once, others within a minute). */
  async rotate(): Promise<PublicJwkV1[]> {
    const active = await this.activeRow(this.dataSource.manager);
    await this.replaceActive(active?.kid, true);
    this.current = undefined;
    return this.publicKeys();
  }

  private longestTokenLifetimeSeconds(): number {
    // + a minute for clock skew between the signer and the gateways.
    return Math.max(this.config.SESSION_TTL_SECONDS, this.config.ACCESS_TOKEN_TTL_SECONDS) + 60;
  }

  private async activeRow(manager: EntityManager): Promise<KeyRow | undefined> {
    const rows: KeyRow[] = await manager.query(
      `SELECT kid, private_key_pem, public_jwk, created_at FROM user_provisioning.signing_keys
        WHERE retired_at IS NULL`,
    );
    return rows[0];
  }

  /**
   * One instance at a time (advisory lock): the first to come replaces `expectedKid`; the others find the
   * new key already there and use it.
   */
  private replaceActive(expectedKid: string | undefined, force = false): Promise<KeyRow> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('user_provisioning.signing_keys'))`);
      const active = await this.activeRow(manager);
      if (active && (active.kid !== expectedKid || !this.tooOld(active, force))) return active;
      if (active) {
        await manager.query(
          `UPDATE user_provisioning.signing_keys SET retired_at = clock_timestamp() WHERE kid = $1`,
          [active.kid],
        );
      }
      const generated = this.generate();
      const rows: KeyRow[] = await manager.query(
        `INSERT INTO user_provisioning.signing_keys (kid, private_key_pem, public_jwk) VALUES ($1, $2, $3)
         RETURNING kid, private_key_pem, public_jwk, created_at`,
        [generated.kid, generated.privateKeyPem, generated.publicJwk],
      );
      return rows[0];
    });
  }

  private tooOld(row: KeyRow, force: boolean): boolean {
    return force || Date.now() - row.created_at.getTime() > this.config.SIGNING_KEY_MAX_AGE_DAYS * DAY_MS;
  }

  private generate(): { kid: string; privateKeyPem: string; publicJwk: PublicJwkV1 } {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = randomUUID();
    const jwk = publicKey.export({ format: 'jwk' }) as { x: string; y: string };
    return {
      kid,
      privateKeyPem: privateKey.export({
        type: 'pkcs8',
        format: 'pem',
        cipher: 'aes-256-cbc',
        passphrase: this.config.SIGNING_KEY_PASSPHRASE,
      }) as string,
      publicJwk: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' },
    };
  }
}
