import type { AlertRuleV1, ExchangeOutcomeV1, SiuSignalsV1 } from '@bridge/contracts';
import type { DeadLetterCount } from '@bridge/messaging';
import { openedSince } from '../schedule/opening-hours';
import { lastOwedFireTime } from '../schedule/siu-expectation';

/**
 * What one rule says about a hospital right now: `failing` opens the alert (once), `ok` resolves it (once),
 * `unknown` changes nothing (a signal could not be read, or there is too little to judge): an alert never
 * flaps because a service was briefly away.
 */
export type Verdict = { state: 'failing'; detail: string } | { state: 'ok' } | { state: 'unknown' };

/** The facts of one hospital, as read from the services that own them; undefined when they could not be read. */
export interface HospitalSignals {
  siu?: SiuSignalsV1;
  /** HL7 and web-service exchanges together, newest first. */
  exchanges?: ExchangeOutcomeV1[];
  /** When the real-time SIU listener last received a message (undefined: never, or unknown with `listenerKnown`). */
  lastInboundAt?: string;
  listenerKnown?: boolean;
  deadLetters?: DeadLetterCount[];
}

const OK: Verdict = { state: 'ok' };
const UNKNOWN: Verdict = { state: 'unknown' };
const MINUTE = 60_000;

export function verdictOf(rule: AlertRuleV1, signals: HospitalSignals, now: Date): Verdict {
  switch (rule.kind) {
    case 'dead-letters':
      return deadLetters(signals);
    case 'siu-file-missing':
      return siuFileMissing(rule, signals, now);
    case 'hospital-unreachable':
      return unreachable(rule, signals);
    case 'error-rate':
      return errorRate(rule, signals, now);
    case 'listener-silent':
      return listenerSilent(rule, signals, now);
  }
}

function deadLetters(signals: HospitalSignals): Verdict {
  if (!signals.deadLetters) return UNKNOWN;
  const total = signals.deadLetters.reduce((sum, entry) => sum + entry.count, 0);
  if (total === 0) return OK;
  const queues = signals.deadLetters.map((entry) => `${entry.queue}.dlq (${entry.count})`).join(', ');
  return { state: 'failing', detail: `${total} dead-lettered message(s) of this hospital: ${queues}.` };
}

function siuFileMissing(rule: AlertRuleV1, signals: HospitalSignals, now: Date): Verdict {
  const siu = signals.siu;
  if (!siu) return UNKNOWN;
  if (!siu.configured || !siu.schedule || !siu.timezone) return OK;
  const owed = lastOwedFireTime(
    siu.schedule,
    siu.timezone,
    {
      graceMinutes: rule.graceMinutes ?? 0,
      closedDays: rule.closedDays ?? [],
      holidays: rule.holidays ?? [],
    },
    now,
  );
  if (!owed) return OK;
  if (siu.lastFileAt && new Date(siu.lastFileAt) >= owed) return OK;
  const last = siu.lastFileAt ? `the last arrived at ${siu.lastFileAt}` : 'none has ever arrived';
  return {
    state: 'failing',
    detail: `No SIU file since the schedule fired at ${owed.toISOString()} (${siu.schedule}, ${siu.timezone}, grace ${rule.graceMinutes} min); ${last}.`,
  };
}

function unreachable(rule: AlertRuleV1, signals: HospitalSignals): Verdict {
  const exchanges = signals.exchanges;
  if (!exchanges) return UNKNOWN;
  const needed = rule.consecutiveFailures ?? 1;
  if (exchanges.length === 0 || exchanges[0].ok) return OK;
  const failures = exchanges.findIndex((exchange) => exchange.ok);
  const run = failures === -1 ? exchanges.length : failures;
  if (run < needed) return UNKNOWN;
  return {
    state: 'failing',
    detail: `The last ${run} exchange(s) with the hospital's systems failed (newest at ${exchanges[0].at}); threshold ${needed}.`,
  };
}

function errorRate(rule: AlertRuleV1, signals: HospitalSignals, now: Date): Verdict {
  if (!signals.exchanges) return UNKNOWN;
  const since = now.getTime() - (rule.windowMinutes ?? 15) * MINUTE;
  const inWindow = signals.exchanges.filter((exchange) => new Date(exchange.at).getTime() >= since);
  if (inWindow.length === 0) return OK;
  if (inWindow.length < (rule.minMessages ?? 1)) return UNKNOWN;
  const failed = inWindow.filter((exchange) => !exchange.ok).length;
  const rate = failed / inWindow.length;
  if (rate < (rule.threshold ?? 0.5)) return OK;
  return {
    state: 'failing',
    detail: `${failed} of ${inWindow.length} exchanges failed in the last ${rule.windowMinutes} min (${Math.round(rate * 100)}%, threshold ${Math.round((rule.threshold ?? 0.5) * 100)}%).`,
  };
}

function listenerSilent(rule: AlertRuleV1, signals: HospitalSignals, now: Date): Verdict {
  const siu = signals.siu;
  if (!siu || !signals.listenerKnown) return UNKNOWN;
  if (!siu.configured || !siu.listener || !siu.timezone) return OK;
  const silentMs = (rule.silentMinutes ?? 60) * MINUTE;
  const last = signals.lastInboundAt ? new Date(signals.lastInboundAt).getTime() : undefined;
  const heardRecently = last !== undefined && now.getTime() - last < silentMs;
  const opened = openedSince({ openingHours: rule.openingHours!, days: rule.days ?? [] }, siu.timezone, now);
  // Outside opening hours silence is expected: an open alert stays open until a message arrives.
  if (!opened) return heardRecently ? OK : UNKNOWN;
  if (heardRecently) return OK;
  // Opened less than silentMinutes ago: not silent that long during opening hours yet.
  if (now.getTime() - opened.getTime() < silentMs) return UNKNOWN;
  const heard = last !== undefined ? `last message at ${new Date(last).toISOString()}` : 'no message ever';
  return {
    state: 'failing',
    detail: `The real-time SIU listener has been silent for ${rule.silentMinutes} min during opening hours (${rule.openingHours}, ${siu.timezone}); ${heard}.`,
  };
}
