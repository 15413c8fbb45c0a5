import { ConfigError, loadConfig, StartupError } from './infra/config.ts';
import { createTroupe, type Troupe } from './troupe.ts';

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
  let troupe: Troupe;
  try {
    troupe = await createTroupe(config);
  } catch (err) {
    // A setting that points at something that does not work: one line naming it.
    if (err instanceof StartupError) {
      console.error(`Troupe cannot start: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      // A second signal: stop now.
      troupe.server.log.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    troupe.server.log.info({ signal }, 'shutting down');
    // Should closing hang anyway (a dependency that never answers), exit regardless.
    setTimeout(() => {
      troupe.server.log.error('shutdown did not finish in time; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 15_000).unref();
    await troupe.close();
    troupe.server.log.info('shut down');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    await troupe.server.listen({ port: config.port, host: config.host });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw err;
    await troupe.close();
    const problem =
      code === 'EADDRINUSE' ? 'is in use' : code === 'EACCES' ? 'is not allowed' : 'is not here';
    console.error(`Troupe cannot start: PORT/HOST: ${config.host}:${config.port} ${problem} (${code})`);
    process.exit(1);
  }
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
