import { Module } from '@nestjs/common';
import { WebServiceClient } from './webservice.client';
import { WebServiceConnectionsRepository } from './webservice-connections.repository';
import { WebServiceConnectionsService } from './webservice-connections.service';
import { WebServiceHandler } from './webservice.handler';
import { WebServiceJournalRepository } from './webservice-journal.repository';
import { WebServiceJournalService } from './webservice-journal.service';
import { WebServiceLookupService } from './webservice-lookup.service';
import { WebServiceSelfTestHandler } from './webservice-self-test.handler';
import { WebServiceSelfTestService } from './webservice-self-test.service';

/** The hospital web service: its per-hospital connection, the pdq / fhir / custom client and its journal. */
@Module({
  controllers: [WebServiceHandler, WebServiceSelfTestHandler],
  providers: [
    WebServiceClient,
    WebServiceConnectionsRepository,
    WebServiceConnectionsService,
    WebServiceJournalRepository,
    WebServiceJournalService,
    WebServiceLookupService,
    WebServiceSelfTestService,
  ],
  exports: [WebServiceConnectionsService, WebServiceLookupService, WebServiceJournalService],
})
export class WebServiceModule {}
