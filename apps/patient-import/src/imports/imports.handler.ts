import { Controller } from '@nestjs/common';
import type {
  ConfirmImportRequestV1,
  ConfirmImportResultV1,
  ImportSessionV1,
  LookupImportRequestV1,
} from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ImportsService } from './imports.service';

@Controller()
export class ImportsHandler {
  constructor(private readonly imports: ImportsService) {}

  @MessagePattern('imports.lookup.v1')
  lookup(@Payload() request: LookupImportRequestV1): Promise<ImportSessionV1> {
    return this.imports.lookup(request);
  }

  @MessagePattern('imports.confirm.v1')
  confirm(@Payload() request: ConfirmImportRequestV1): Promise<ConfirmImportResultV1> {
    return this.imports.confirm(request);
  }
}
