import { Injectable } from '@nestjs/common';
import type { PutImportSourceRequestV1 } from '@bridge/contracts';
import { RpcHandler } from '@bridge/messaging';
import type { ImportSource } from './import-sources.repository';
import { ImportSourcesService } from './import-sources.service';

@Injectable()
export class ImportSourcesHandler {
  constructor(private readonly sources: ImportSourcesService) {}

  @RpcHandler('imports.source.put.v1')
  put(request: PutImportSourceRequestV1): Promise<{ hospitalId: string; source: ImportSource }> {
    return this.sources.put(request.hospitalId, request.source);
  }
}
