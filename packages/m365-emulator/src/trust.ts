/**
 * Trusting the emulator's CA inside a running Node process.
 *
 * msal-node 7 and graph-client 3 both use the global `fetch`, whose TLS roots are fixed when the
 * process starts (NODE_EXTRA_CA_CERTS). A test runner is already running, so this installs a global
 * undici dispatcher that trusts Node's usual roots plus the emulator's CA. Verification stays on.
 */
import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent, type Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from 'undici';

/**
 * Makes global `fetch` trust `caPem` (in addition to the public roots). Returns a function that
 * restores the previous dispatcher.
 * @example const untrust = trustEmulatorCa(emulator.caPem); … untrust();
 */
export function trustEmulatorCa(caPem: string): () => void {
  const previous: Dispatcher = getGlobalDispatcher();
  // One secure context for every connection: a `ca` list in the connect options would build a new
  // one (parsing every root certificate) per connection.
  const secureContext = createSecureContext({ ca: [...rootCertificates, caPem] });
  const agent = new Agent({ connect: { secureContext } });
  setGlobalDispatcher(agent);
  return () => {
    setGlobalDispatcher(previous);
    void agent.close();
  };
}
