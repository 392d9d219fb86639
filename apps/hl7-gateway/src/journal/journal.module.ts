import { Module } from '@nestjs/common';
import { JournalHandler } from './journal.handler';
import { JournalRepository } from './journal.repository';
import { JournalService } from './journal.service';

@Module({
  providers: [JournalRepository, JournalService, JournalHandler],
  exports: [JournalService, JournalRepository],
})
export class JournalModule {}
