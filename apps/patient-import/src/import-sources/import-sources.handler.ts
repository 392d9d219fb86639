import { Controller } from '@nestjs/common';
import type {
  GetImportSourceRequestV1,
  ImportSourceViewV1,
  PutImportSourceRequestV1,
} from '@bridge/contracts';
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

  @MessagePattern('imports.source.get.v1')
  async get(@Payload() request: GetImportSourceRequestV1): Promise<ImportSourceViewV1> {
    return { hospitalId: request.hospitalId, source: (await this.sources.find(request.hospitalId)) ?? null };
  }
}
