import { Module } from '@nestjs/common';
import { Hl7SignalsHandler } from './hl7-signals.handler';
import { Hl7SignalsRepository } from './hl7-signals.repository';

/** Facts notifier's alert evaluator asks for. */
@Module({ controllers: [Hl7SignalsHandler], providers: [Hl7SignalsRepository] })
export class SignalsModule {}
