import 'reflect-metadata';
import { runService } from '@bridge/config';
import { createNotifierApp } from './notifier.app';

runService('notifier', () => createNotifierApp(process.env, { shutdownHooks: true }));
