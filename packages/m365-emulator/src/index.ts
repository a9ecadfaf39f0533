/**
 * @concord/m365-emulator: a local Microsoft 365 (Entra token issuer, a Graph v1.0 subset, a web UI and
 * an admin API) on one HTTPS port, for local mode and tests. See README.md.
 */
export {
  DEFAULT_CLIENT,
  type Emulator,
  graphTargetOf,
  type StartEmulatorOptions,
  startEmulator,
  tabSignInOf,
} from './emulator.ts';
export {
  DEFAULT_FAULTS,
  type FaultConfig,
  type FaultController,
  MAILBOX_FAULTS,
  type MailboxFault,
  parseFaultsJson,
} from './faults.ts';
export { loadSeed, parseSeed, type Seed, SeedFileError, type SeedInput } from './seed.ts';
export type { EmulatorState } from './state.ts';
export type { ClientRegistration } from './token-issuer.ts';
export { trustEmulatorCa } from './trust.ts';
