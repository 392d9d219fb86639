/** The gateway's validated environment, for providers that need a setting. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
