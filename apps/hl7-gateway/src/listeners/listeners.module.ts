import { Module } from '@nestjs/common';
import { JournalModule } from '../journal/journal.module';
import { InboundSiuService } from './inbound-siu.service';
import { SiuListeners } from './siu-listeners';

/** Real-time SIU over MLLP: one listener per hospital, ACK after the message is journaled and handed on. */
@Module({
  imports: [JournalModule],
  providers: [InboundSiuService, SiuListeners],
})
export class ListenersModule {}
