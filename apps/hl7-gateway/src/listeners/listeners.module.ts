import { Module } from '@nestjs/common';
import { JournalModule } from '../journal/journal.module';
import { InboundSiuService } from './inbound-siu.service';
import { SiuListenerChangesHandler } from './siu-listener-changes.handler';
import { SiuListenerSelfTest, SiuListenerSelfTestHandler } from './siu-listener-self-test';
import { SiuListeners } from './siu-listeners';
import { SiuListenersRepository } from './siu-listeners.repository';

/**
 * Real-time SIU over MLLP: one listener per hospital, as siu-ingestor announces them
 * (`siu.listener.changed.v1`); ACK after the message is journaled and handed on.
 */
@Module({
  imports: [JournalModule],
  controllers: [SiuListenerChangesHandler, SiuListenerSelfTestHandler],
  providers: [InboundSiuService, SiuListeners, SiuListenersRepository, SiuListenerSelfTest],
})
export class ListenersModule {}
