import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { runAlone } from '@bridge/database';
import { DataSource } from 'typeorm';
import { ALERTS_OPTIONS, type AlertsOptions } from '../alerts.options';
import { AlertsRepository } from '../alerts.repository';
import { AlertRulesRepository, type HospitalRules } from '../rules/alert-rules.repository';
import type { DeadLetterCount } from '@bridge/messaging';
import { verdictOf } from './rule-verdict';
import { SignalsReader } from './signals.reader';

const INTERVAL_NAME = 'alerts:evaluate';
/** One evaluation at a time across every notifier instance. */
const LOCK_KEY = 'notifier.alerts.evaluate';
/** Every kind has one alert per hospital today; the column leaves room for e.g. one per queue. */
const SUBJECT = '';

/**
 * The alert loop: every ALERTS_EVALUATE_INTERVAL_MS one instance (the holder of a session advisory lock)
 * reads each hospital's signals, asks every rule for its verdict and opens or resolves alerts. Opening and
 * resolving are idempotent in the database (AlertsRepository), so even two evaluators racing could not
 * send an alert twice; the lock only saves the duplicated reads.
 */
@Injectable()
export class AlertEvaluatorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AlertEvaluatorService');
  private running: Promise<void> | undefined;
  /** Set on shutdown: an evaluation in progress stops before its next hospital. */
  private stopping = false;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly dataSource: DataSource,
    private readonly rules: AlertRulesRepository,
    private readonly alerts: AlertsRepository,
    private readonly signals: SignalsReader,
    @Inject(ALERTS_OPTIONS) private readonly options: AlertsOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.evaluateIntervalMs <= 0) return;
    const timer = setInterval(() => void this.evaluateOnce(), this.options.evaluateIntervalMs);
    timer.unref();
    this.registry.addInterval(INTERVAL_NAME, timer);
  }

  async beforeApplicationShutdown(): Promise<void> {
    // The services the signals come from may be stopping too: finishing the pass would wait out one RPC
    // timeout per hospital (tens of seconds) before this process could exit.
    this.stopping = true;
    if (this.registry.doesExist('interval', INTERVAL_NAME)) this.registry.deleteInterval(INTERVAL_NAME);
    await this.running;
  }

  /** One evaluation, unless one is already running here or on another instance. */
  evaluateOnce(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.evaluateLocked()
      .catch((error: unknown) => {
        this.logger.error({ msg: 'alert evaluation failed', error: (error as Error)?.message });
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async evaluateLocked(): Promise<void> {
    await runAlone(this.dataSource, LOCK_KEY, () => this.evaluateAll(new Date()));
  }

  private async evaluateAll(now: Date): Promise<void> {
    const hospitals = await this.rules.toEvaluate();
    const needsDeadLetters = hospitals.some((hospital) =>
      hospital.rules.some((rule) => rule.kind === 'dead-letters'),
    );
    const deadLetters = needsDeadLetters ? await this.signals.deadLetters() : undefined;
    for (const hospital of hospitals) {
      if (this.stopping) return;
      try {
        await this.evaluateHospital(hospital, deadLetters, now);
      } catch (error) {
        this.logger.warn({
          msg: 'alert evaluation of a hospital failed',
          hospitalId: hospital.hospitalId,
          error: (error as Error)?.message,
        });
      }
    }
  }

  private async evaluateHospital(
    { hospitalId, rules }: HospitalRules,
    deadLetters: DeadLetterCount[] | undefined,
    now: Date,
  ): Promise<void> {
    const open = await this.alerts.openAlerts(hospitalId);
    const signals = await this.signals.forHospital(
      hospitalId,
      rules.map((rule) => rule.kind),
      deadLetters,
    );
    for (const rule of rules) {
      const verdict = verdictOf(rule, signals, now);
      const current = open.find((alert) => alert.kind === rule.kind && alert.subject === SUBJECT);
      if (verdict.state === 'failing' && !current) {
        const opened = await this.alerts.open(hospitalId, rule.kind, SUBJECT, verdict.detail);
        if (opened)
          this.logger.warn({ msg: 'alert opened', alertId: opened.id, hospitalId, kind: rule.kind });
      } else if (verdict.state === 'ok' && current) {
        const resolved = await this.alerts.resolve(current.id, 'the condition cleared.');
        if (resolved)
          this.logger.log({ msg: 'alert resolved', alertId: resolved.id, hospitalId, kind: rule.kind });
      }
    }
    // A rule taken away resolves what it had opened: nobody watches that condition any more.
    for (const alert of open) {
      if (!rules.some((rule) => rule.kind === alert.kind))
        await this.alerts.resolve(alert.id, 'the rule was removed.');
    }
  }
}
