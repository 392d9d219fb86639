import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { SiuSelfTestHandler } from './siu-self-test.handler';
import { SiuSelfTestService } from './siu-self-test.service';

@Module({
  imports: [ConnectionsModule],
  controllers: [SiuSelfTestHandler],
  providers: [SiuSelfTestService],
})
export class SelfTestModule {}
