/**
 * Ports the platform itself uses on its hosts (the gateway, the database, the broker): a hospital's SIU
 * listener may never take one, or it would shadow the platform or be shadowed by it (409 at save).
 */
export class PlatformPorts {
  constructor(readonly ports: ReadonlySet<number>) {}

  static fromConfig(config: { PORT?: number; DATABASE_URL?: string; AMQP_URL?: string }): PlatformPorts {
    const ports = new Set<number>();
    if (config.PORT) ports.add(config.PORT);
    for (const [url, defaultPort] of [
      [config.DATABASE_URL, 5432],
      [config.AMQP_URL, 5672],
    ] as const) {
      const port = portOf(url, defaultPort);
      if (port) ports.add(port);
    }
    return new PlatformPorts(ports);
  }

  has(port: number): boolean {
    return this.ports.has(port);
  }
}

function portOf(url: string | undefined, defaultPort: number): number | undefined {
  if (!url) return undefined;
  try {
    return Number(new URL(url).port) || defaultPort;
  } catch {
    return undefined;
  }
}
