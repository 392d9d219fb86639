import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { SiuMessageLogService } from './siu-message-log.service';
import { SiuMessagesHandler } from './siu-messages.handler';
import { SiuMessagesRepository } from './siu-messages.repository';

/** SIU messages: their state, the SIU part of the message log, reprocessing. */
@Module({
  imports: [ConnectionsModule],
  controllers: [SiuMessagesHandler],
  providers: [SiuMessagesRepository, SiuMessageLogService],
  exports: [SiuMessagesRepository],
})
export class MessagesModule {}
