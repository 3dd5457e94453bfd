import { boot, StartupError } from './boot.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';

// Entry point for `npm start` and `node dist/server.js`.
try {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const running = await boot(config, logger);
  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
} catch (e) {
  if (e instanceof ConfigError || e instanceof StartupError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
