import { Module } from '@nestjs/common';
import { HospitalsModule } from '../hospitals/hospitals.module';
import { RetentionHandler } from './retention.handler';
import { RetentionService } from './retention.service';

/** Each hospital's retention of the message log (PRODUCT.md "Retention"). */
@Module({
  imports: [HospitalsModule],
  controllers: [RetentionHandler],
  providers: [RetentionService],
})
export class RetentionModule {}
