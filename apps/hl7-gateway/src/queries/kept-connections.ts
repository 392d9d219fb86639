import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { MllpKeptConnections } from '@bridge/hl7';

/** The hospitals' MLLP connections kept open between queries (keepOpenMs), closed when the service stops. */
@Injectable()
export class KeptConnections extends MllpKeptConnections implements OnModuleDestroy {
  onModuleDestroy(): Promise<void> {
    return this.close();
  }
}
