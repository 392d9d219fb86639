import 'reflect-metadata';
import { runService } from '@bridge/config';
import { createUserProvisioningApp } from './user-provisioning.app';

runService('user-provisioning', () => createUserProvisioningApp(process.env, { shutdownHooks: true }));
