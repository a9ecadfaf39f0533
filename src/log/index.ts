export {
  CASE_CONTENT_FIELDS,
  createLogger,
  describeEffect,
  describeEvent,
  type Logger,
  type LoggerOptions,
  REDACT_PATHS,
  silentLogger,
} from './logger.ts';
