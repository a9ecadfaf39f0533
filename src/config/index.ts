export {
  type BotCredentials,
  type ClockMode,
  type Config,
  ConfigError,
  type LogLevel,
  loadConfig,
  loadConfigOrExit,
  packagingEnvironment,
} from './config.ts';
