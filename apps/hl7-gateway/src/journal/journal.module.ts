import { Module } from '@nestjs/common';
import { JournalHandler } from './journal.handler';
import { JournalRepository } from './journal.repository';
import { JournalService } from './journal.service';

@Module({
  controllers: [JournalHandler],
  providers: [JournalRepository, JournalService],
  exports: [JournalService, JournalRepository],
})
export class JournalModule {}
