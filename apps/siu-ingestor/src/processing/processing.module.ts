import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { MessagesModule } from '../messages/messages.module';
import { RunsModule } from '../runs/runs.module';
import { PhysicianDirectory } from './physician.directory';
import { SiuMessageBatcher } from './siu-message.batcher';
import { SiuMessageHandler } from './siu-message.handler';
import { SiuMessageProcessor } from './siu-message.processor';

/** Processing of stored SIU messages (HL7-RULES 20-28): the consumer of `siu.slice.stored.v1` and `siu.message.received.v1`. */
@Module({
  imports: [ConnectionsModule, MessagesModule, RunsModule],
  controllers: [SiuMessageHandler],
  providers: [PhysicianDirectory, SiuMessageProcessor, SiuMessageBatcher],
})
export class ProcessingModule {}
