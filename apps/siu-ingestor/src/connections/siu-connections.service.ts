import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  DomainError,
  keepStoredSecrets,
  type SiuConnectionInputV1,
  type SiuConnectionViewV1,
} from '@bridge/contracts';
import { Bus } from '@bridge/messaging';
import { SiuConnectionsRepository } from './siu-connections.repository';
import { SiuReach } from './siu-reach';
import { SIU_SECRET_PATHS, resolveSiuSettings, toSiuConnectionView } from './siu-settings';

type SavedListener = (hospitalId: string) => void;

@Injectable()
export class SiuConnectionsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('SiuConnectionsService');
  private readonly listeners: SavedListener[] = [];

  constructor(
    private readonly connections: SiuConnectionsRepository,
    private readonly bus: Bus,
    private readonly reach: SiuReach,
  ) {}

  /** After a SECRETS_KEY rotation, values of the previous key are re-sealed with the new one at start. */
  async onApplicationBootstrap(): Promise<void> {
    const resealed = await this.connections.resealAll();
    if (resealed > 0)
      this.logger.log(`re-sealed the secrets of ${resealed} SIU connections with the current key`);
  }

  /** The scheduler follows saved connections at once on this instance (others reload periodically). */
  onSaved(listener: SavedListener): void {
    this.listeners.push(listener);
  }

  async put(
    hospitalId: string,
    given: SiuConnectionInputV1,
    options: { dryRun?: boolean; keepSecrets?: string[] } = {},
  ): Promise<SiuConnectionViewV1> {
    // Kept secrets (a configuration document's `{"secret": "set"}`) are swapped in before anything reads them.
    const input = options.keepSecrets?.length
      ? keepStoredSecrets(
          given,
          options.keepSecrets,
          SIU_SECRET_PATHS,
          (await this.connections.find(hospitalId))?.settings,
        )
      : given;
    const settings = resolveSiuSettings(input);
    await this.bus.requireHospital(hospitalId);
    await this.reach.assertWithinBounds(settings);
    const stored = await this.connections.save(
      hospitalId,
      settings,
      (others) => this.reach.assertNotShared(settings, others),
      { dryRun: options.dryRun },
    );
    if (options.dryRun) return toSiuConnectionView(hospitalId, stored.settings, stored.updatedAt);
    for (const listener of this.listeners) listener(hospitalId);
    return toSiuConnectionView(hospitalId, stored.settings, stored.updatedAt);
  }

  async get(hospitalId: string): Promise<SiuConnectionViewV1> {
    const stored = await this.connections.find(hospitalId);
    if (!stored) throw new DomainError('NOT_FOUND', 'This hospital has no SIU connection.');
    return toSiuConnectionView(hospitalId, stored.settings, stored.updatedAt);
  }
}
