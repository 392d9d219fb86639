import { Injectable } from '@nestjs/common';
import type {
  ConfirmImportRequestV1,
  ConfirmImportResultV1,
  ImportSessionV1,
  LookupImportRequestV1,
} from '@bridge/contracts';
import { RpcHandler } from '@bridge/messaging';
import { ImportsService } from './imports.service';

@Injectable()
export class ImportsHandler {
  constructor(private readonly imports: ImportsService) {}

  @RpcHandler('imports.lookup.v1')
  lookup(request: LookupImportRequestV1): Promise<ImportSessionV1> {
    return this.imports.lookup(request);
  }

  @RpcHandler('imports.confirm.v1')
  confirm(request: ConfirmImportRequestV1): Promise<ConfirmImportResultV1> {
    return this.imports.confirm(request);
  }
}
