/**
 * The emulator's HTTPS identity: a local CA and a server certificate it signs for localhost,
 * 127.0.0.1 and ::1. Clients trust the CA, never "any certificate": point NODE_EXTRA_CA_CERTS at
 * `ca.pem` before the process starts, or use `trustEmulatorCa` (./trust.ts) inside a running process.
 *
 * With a `certDir` the files are reused while valid, so a CA path exported once keeps working
 * across restarts of `npm start`.
 */
import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  /** PEM of the CA to trust. */
  readonly caPem: string;
  /** Where `caPem` is written, when a directory was given. */
  readonly caPath?: string;
  readonly certPem: string;
  readonly keyPem: string;
}

const DAY = 24 * 60 * 60 * 1000;

/** Creates (or, from `certDir`, reuses) the CA and server certificate. */
export async function loadOrCreateTls(certDir?: string): Promise<TlsMaterial> {
  if (certDir) {
    const reused = await readValid(certDir);
    if (reused) return reused;
  }
  const material = await createTls();
  if (!certDir) return material;
  await mkdir(certDir, { recursive: true });
  const caPath = join(certDir, 'ca.pem');
  await writeFile(caPath, material.caPem);
  await writeFile(join(certDir, 'server.pem'), material.certPem);
  await writeFile(join(certDir, 'server-key.pem'), material.keyPem, { mode: 0o600 });
  return { ...material, caPath };
}

async function createTls(): Promise<TlsMaterial> {
  const notBeforeDate = new Date(Date.now() - DAY);
  const notAfterDate = new Date(Date.now() + 365 * DAY);
  const ca = await generate([{ name: 'commonName', value: 'Concord local Microsoft 365 emulator CA' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { caPem: ca.cert, certPem: server.cert, keyPem: server.private };
}

async function readValid(certDir: string): Promise<TlsMaterial | undefined> {
  try {
    const caPath = join(certDir, 'ca.pem');
    const [caPem, certPem, keyPem] = await Promise.all([
      readFile(caPath, 'utf8'),
      readFile(join(certDir, 'server.pem'), 'utf8'),
      readFile(join(certDir, 'server-key.pem'), 'utf8'),
    ]);
    const cert = new X509Certificate(certPem);
    const ca = new X509Certificate(caPem);
    const weekAhead = Date.now() + 7 * DAY;
    if (Date.parse(cert.validTo) < weekAhead || !cert.verify(ca.publicKey)) return undefined;
    return { caPem, caPath, certPem, keyPem };
  } catch {
    return undefined;
  }
}
