import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { SiuMessageLogRepository } from './siu-message-log.repository';
import { SiuMessageLogService } from './siu-message-log.service';
import { SiuMessagesHandler } from './siu-messages.handler';
import { SiuMessagesRepository } from './siu-messages.repository';

/** SIU messages: their state, the SIU part of the message log, reprocessing. */
@Module({
  imports: [ConnectionsModule],
  controllers: [SiuMessagesHandler],
  providers: [SiuMessagesRepository, SiuMessageLogRepository, SiuMessageLogService],
  exports: [SiuMessagesRepository, SiuMessageLogRepository],
})
export class MessagesModule {}
