import 'reflect-metadata';
import { runService } from '@bridge/config';
import { createSiuIngestorApp } from './siu-ingestor.app';

runService('siu-ingestor', () => createSiuIngestorApp(process.env, { shutdownHooks: true }));
