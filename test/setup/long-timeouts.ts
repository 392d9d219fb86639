// Suites that start servers (PostgreSQL, RabbitMQ nodes, the platform) need more than jest's 5 s per hook.
jest.setTimeout(Number(process.env.BRIDGE_TEST_TIMEOUT_MS ?? 120_000));
