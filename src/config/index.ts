export {
  type BotCredentials,
  type ClockMode,
  type Config,
  ConfigError,
  type LogLevel,
  loadConfig,
} from './config.ts';
