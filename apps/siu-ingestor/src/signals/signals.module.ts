import { Module } from '@nestjs/common';
import { SiuSignalsHandler } from './siu-signals.handler';
import { SiuSignalsRepository } from './siu-signals.repository';

/** Facts notifier's alert evaluator asks for (ARCHITECTURE: alerts are evaluated in notifier). */
@Module({ controllers: [SiuSignalsHandler], providers: [SiuSignalsRepository] })
export class SignalsModule {}
