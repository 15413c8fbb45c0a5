import { ConfigError, loadConfig } from './infra/config.ts';
import { createTroupe } from './troupe.ts';

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const troupe = await createTroupe(config);
  const shutdown = async (signal: string) => {
    troupe.server.log.info({ signal }, 'shutting down');
    await troupe.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await troupe.server.listen({ port: config.port, host: config.host });
  const db = config.databaseUrl ? 'PostgreSQL' : `SQLite at ${config.sqlitePath}`;
  const mail = config.smtpUrl
    ? 'SMTP'
    : config.devMailbox
      ? `the dev mailbox at http://localhost:${config.port}/dev/mailbox (open it on this machine: it answers loopback clients only)`
      : 'nowhere: no SMTP_URL is set (links are printed to this log; the dev mailbox is off in production)';
  troupe.server.log.info(`Troupe is ready at ${config.publicUrl} (${db}; mail goes to ${mail})`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
