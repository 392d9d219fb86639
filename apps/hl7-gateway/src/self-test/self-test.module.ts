import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { Hl7SelfTestHandler } from './hl7-self-test.handler';
import { Hl7SelfTestService } from './hl7-self-test.service';

@Module({
  imports: [ConnectionsModule],
  controllers: [Hl7SelfTestHandler],
  providers: [Hl7SelfTestService],
})
export class SelfTestModule {}
