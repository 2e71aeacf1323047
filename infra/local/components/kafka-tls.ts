/**
 * The certificates of the broker's SASL_SSL listener, made once with openssl into the stack's state
 * folder: a CA, a broker certificate for 127.0.0.1 and localhost (in a PKCS12 keystore the broker
 * reads), and a client certificate the broker requires. Kept across restarts; `npm run stack --
 * reset` deletes them with the rest of the state, and the next start makes new ones.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { kafkaSasl } from '../stack-config.ts';
import { StackError } from '../stack-error.ts';

/** The broker keystore's password: a sample value of a loopback-only stack, not a secret. */
export const keystorePassword = 'syncline-local-keystore';

const days = '3650';

export function kafkaTlsFiles() {
  const { caFile, certFile, keyFile } = kafkaSasl();
  const dir = dirname(caFile);
  return {
    dir,
    caFile,
    caKey: join(dir, 'ca.key'),
    brokerKeystore: join(dir, 'broker.p12'),
    clientCert: certFile,
    clientKey: keyFile,
  };
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: 'pipe' });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
    throw new StackError(
      'START_FAILED',
      `openssl ${args[0]} failed while making the broker's TLS certificates: ${stderr.trim() || (error as Error).message}`,
      { cause: error },
    );
  }
}

/** A key and a certificate for `subject`, signed by the stack's CA, with `extensions` (openssl x509 -extfile). */
function signed(dir: string, name: string, subject: string, extensions: string): void {
  const files = kafkaTlsFiles();
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, extensions);
  openssl([
    'req',
    '-new',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    join(dir, `${name}.key`),
    '-out',
    join(dir, `${name}.csr`),
    '-subj',
    subject,
  ]);
  openssl([
    'x509',
    '-req',
    '-in',
    join(dir, `${name}.csr`),
    '-CA',
    files.caFile,
    '-CAkey',
    files.caKey,
    '-set_serial',
    `0x${Date.now().toString(16)}${name.length}`,
    '-days',
    days,
    '-sha256',
    '-extfile',
    ext,
    '-out',
    join(dir, `${name}.crt`),
  ]);
}

/** Makes the CA, the broker's keystore and the client certificate when missing. Idempotent. */
export function ensureKafkaCertificates(): void {
  const files = kafkaTlsFiles();
  if ([files.caFile, files.brokerKeystore, files.clientCert, files.clientKey].every((f) => existsSync(f)))
    return;
  mkdirSync(files.dir, { recursive: true });
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    files.caKey,
    '-out',
    files.caFile,
    '-days',
    days,
    '-sha256',
    '-subj',
    '/CN=syncline local stack CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  signed(
    files.dir,
    'broker',
    '/CN=localhost',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n',
  );
  openssl([
    'pkcs12',
    '-export',
    '-in',
    join(files.dir, 'broker.crt'),
    '-inkey',
    join(files.dir, 'broker.key'),
    '-certfile',
    files.caFile,
    '-name',
    'broker',
    '-out',
    files.brokerKeystore,
    '-passout',
    `pass:${keystorePassword}`,
  ]);
  signed(
    files.dir,
    'client',
    '/CN=syncline',
    'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n',
  );
}
