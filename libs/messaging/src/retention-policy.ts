import type { Provider } from '@nestjs/common';
import { RetentionPolicySource } from '@bridge/database';
import { Bus } from './bus';

/** The hospitals' retention, asked of user-provisioning at each run of a journal's retention job. */
export const busRetentionPolicy: Provider = {
  provide: RetentionPolicySource,
  useFactory: (bus: Bus): RetentionPolicySource => ({
    policy: () => bus.request('tenancy.retention.list.v1', {}),
  }),
  inject: [Bus],
};
