import { SecretsDataServiceEnv } from '@bridge/config';

/**
 * The environment of notifier: every data service's variables plus SECRETS_KEY (webhook signing
 * secrets are sealed at rest).
 */
export class NotifierEnv extends SecretsDataServiceEnv {}
