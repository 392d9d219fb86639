import 'reflect-metadata';
import { runService } from '@bridge/config';
import { createPatientImportApp } from './patient-import.app';

runService('patient-import', () => createPatientImportApp(process.env, { shutdownHooks: true }));
