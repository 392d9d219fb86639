import 'reflect-metadata';
import { runService } from '@bridge/config';
import { createHl7GatewayApp } from './hl7-gateway.app';

runService('hl7-gateway', () => createHl7GatewayApp(process.env, { shutdownHooks: true }));
