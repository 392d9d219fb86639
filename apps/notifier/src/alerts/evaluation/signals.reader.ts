import { Inject, Injectable, Logger } from '@nestjs/common';
import { type AlertKind, type ExchangeOutcomeV1 } from '@bridge/contracts';
import { Bus, TRANSPORT, type DeadLetterCount, type Transport } from '@bridge/messaging';
import { ALERTS_OPTIONS, type AlertsOptions } from '../alerts.options';
import type { HospitalSignals } from './rule-verdict';

/** Exchanges read per service: enough for any consecutiveFailures and a busy error-rate window. */
const EXCHANGES_READ = 500;

/**
 * Reads the facts a hospital's rules need from the services that own them, only those its rules need.
 * A service that does not answer leaves its facts undefined (the rules that need them say `unknown`).
 */
@Injectable()
export class SignalsReader {
  private readonly logger = new Logger('SignalsReader');

  constructor(
    private readonly bus: Bus,
    @Inject(TRANSPORT) private readonly transport: Transport,
    @Inject(ALERTS_OPTIONS) private readonly options: AlertsOptions,
  ) {}

  /** Dead letters of every hospital, read once per evaluation (the census reads whole queues). */
  async deadLetters(): Promise<DeadLetterCount[] | undefined> {
    try {
      const counts = await this.transport.deadLetterCounts(this.options.deadLetterQueues);
      const unattributed = counts
        .filter((entry) => !entry.hospitalId)
        .reduce((sum, entry) => sum + entry.count, 0);
      if (unattributed > 0) this.logger.warn({ msg: 'dead letters without a hospital', count: unattributed });
      return counts;
    } catch (error) {
      this.logger.warn({ msg: 'dead letters could not be counted', error: (error as Error)?.message });
      return undefined;
    }
  }

  async forHospital(
    hospitalId: string,
    kinds: AlertKind[],
    deadLetters: DeadLetterCount[] | undefined,
  ): Promise<HospitalSignals> {
    const needs = new Set(kinds);
    const signals: HospitalSignals = {};
    if (needs.has('dead-letters') && deadLetters)
      signals.deadLetters = deadLetters.filter((entry) => entry.hospitalId === hospitalId);
    const [siu, hl7, webService] = await Promise.all([
      needs.has('siu-file-missing') || needs.has('listener-silent')
        ? this.read(() => this.bus.request('siu.signals.get.v1', { hospitalId }), 'siu', hospitalId)
        : undefined,
      needs.has('hospital-unreachable') || needs.has('error-rate') || needs.has('listener-silent')
        ? this.read(
            () => this.bus.request('hl7.signals.get.v1', { hospitalId, limit: EXCHANGES_READ }),
            'hl7',
            hospitalId,
          )
        : undefined,
      needs.has('hospital-unreachable') || needs.has('error-rate')
        ? this.read(
            () => this.bus.request('imports.signals.get.v1', { hospitalId, limit: EXCHANGES_READ }),
            'imports',
            hospitalId,
          )
        : undefined,
    ]);
    signals.siu = siu;
    if (hl7) {
      signals.listenerKnown = true;
      signals.lastInboundAt = hl7.lastInboundAt;
    }
    if (hl7 && webService) signals.exchanges = newestFirst([...hl7.recent, ...webService.recent]);
    return signals;
  }

  private async read<T>(
    request: () => Promise<T>,
    source: string,
    hospitalId: string,
  ): Promise<T | undefined> {
    try {
      return await request();
    } catch (error) {
      this.logger.warn({
        msg: 'alert signals could not be read',
        source,
        hospitalId,
        error: (error as Error)?.message,
      });
      return undefined;
    }
  }
}

function newestFirst(exchanges: ExchangeOutcomeV1[]): ExchangeOutcomeV1[] {
  return exchanges.sort((a, b) => b.at.localeCompare(a.at));
}
