import 'reflect-metadata';
import { runService } from '@bridge/config';
import { createGatewayApp } from './gateway.app';

runService('gateway', () => createGatewayApp(process.env, { shutdownHooks: true }));
