import { Controller } from '@nestjs/common';
import type { PutImportSourceRequestV1 } from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { ImportSource } from './import-sources.repository';
import { ImportSourcesService } from './import-sources.service';

@Controller()
export class ImportSourcesHandler {
  constructor(private readonly sources: ImportSourcesService) {}

  @MessagePattern('imports.source.put.v1')
  put(@Payload() request: PutImportSourceRequestV1): Promise<{ hospitalId: string; source: ImportSource }> {
    return this.sources.put(request.hospitalId, request.source);
  }
}
