import 'reflect-metadata';
import { runService, STREAMING_HEAP_GROWTH_PERCENT } from '@bridge/config';
import { createSiuIngestorApp } from './siu-ingestor.app';

runService('siu-ingestor', () => createSiuIngestorApp(process.env, { shutdownHooks: true }), {
  heapGrowthPercent: STREAMING_HEAP_GROWTH_PERCENT,
});
