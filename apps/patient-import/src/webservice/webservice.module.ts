import { Module } from '@nestjs/common';
import { WebServiceClient } from './webservice.client';
import { WebServiceConnectionsRepository } from './webservice-connections.repository';
import { WebServiceConnectionsService } from './webservice-connections.service';
import { WebServiceHandler } from './webservice.handler';
import { WebServiceJournalRepository } from './webservice-journal.repository';
import { WebServiceJournalService } from './webservice-journal.service';
import { WebServiceLookupService } from './webservice-lookup.service';

/** The hospital web service: its per-hospital connection, the pdq / fhir / custom client and its journal. */
@Module({
  controllers: [WebServiceHandler],
  providers: [
    WebServiceClient,
    WebServiceConnectionsRepository,
    WebServiceConnectionsService,
    WebServiceJournalRepository,
    WebServiceJournalService,
    WebServiceLookupService,
  ],
  exports: [WebServiceConnectionsService, WebServiceLookupService, WebServiceJournalService],
})
export class WebServiceModule {}
