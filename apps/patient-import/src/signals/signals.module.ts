import { Module } from '@nestjs/common';
import { WebServiceSignalsHandler } from './webservice-signals.handler';
import { WebServiceSignalsRepository } from './webservice-signals.repository';

/** Facts notifier's alert evaluator asks for. */
@Module({ controllers: [WebServiceSignalsHandler], providers: [WebServiceSignalsRepository] })
export class SignalsModule {}
