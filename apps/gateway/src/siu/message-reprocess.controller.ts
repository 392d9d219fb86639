import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScopes, ScopesGuard } from '@bridge/auth';
import { Bus } from '@bridge/messaging';
import { ResourceIdPipe } from '../http/resource-id.pipe';
import { Audited, param } from '../audit/audited';

/** Reprocessing from the message log: only SIU messages that failed can be processed again. */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthGuard('jwt'), ScopesGuard)
@RequireScopes('admin')
@Controller('v1/admin/messages/:messageId/reprocess')
export class MessageReprocessController {
  constructor(private readonly bus: Bus) {}

  @Post()
  @Audited('message.reprocessed', 'message', param('messageId'))
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Process a failed SIU message again with the current settings: 202 (status received); 409 when not failed',
  })
  reprocess(@Param('messageId', ResourceIdPipe) messageId: string) {
    return this.bus.request('siu.message.reprocess.v1', { messageId });
  }
}
