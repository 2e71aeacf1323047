/**
 * The local registry (Apicurio) behind nginx doing the authentication, as a registry is often run
 * behind an API gateway: one server asks for HTTP basic auth over TLS (the stack's broker
 * certificate, from its own CA), the other for a bearer token over plain HTTP. Apicurio's own
 * authentication needs an OpenID Connect server, and Karapace is not on PyPI; nginx is Debian's,
 * so the credentials syncline sends are checked by a real, independent implementation, in front
 * of the real registry. Its workers run as the test's user (as root, nginx would otherwise switch
 * them to nobody, who cannot read the test's private folder).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { host, port } from '../../infra/local/stack-config.ts';
import { kafkaTlsFiles } from '../../infra/local/components/kafka-tls.ts';
import { waitUntil } from './wait-until.ts';

export interface RegistryAuthProxy {
  /** https, basic auth: `username` / `password`; trusts `caFile`. */
  readonly basicUrl: string;
  /** http, `Authorization: Bearer <token>`. */
  readonly bearerUrl: string;
  readonly username: string;
  readonly password: string;
  readonly token: string;
  readonly caFile: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port: found } = server.address() as { port: number };
      server.close(() => resolve(found));
    });
  });
}

function nginxBinary(): string {
  for (const candidate of ['/usr/sbin/nginx', 'nginx']) {
    try {
      execFileSync(candidate, ['-v'], { stdio: 'pipe' });
      return candidate;
    } catch {
      // next
    }
  }
  throw new Error('nginx is not installed: run `bash infra/local/install-prerequisites.sh`');
}

export async function startRegistryAuthProxy(): Promise<RegistryAuthProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-registry-auth-'));
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub));
  const username = 'syncline';
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const token = `tok-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  const hash = execFileSync('openssl', ['passwd', '-apr1', password], { encoding: 'utf8' }).trim();
  writeFileSync(join(dir, 'htpasswd'), `${username}:${hash}\n`);
  const [basicPort, bearerPort] = [await freePort(), await freePort()];
  const tls = kafkaTlsFiles();
  const upstream = `http://${host}:${port('registry')}`;
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;
${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  map $http_authorization $bearer_ok { "Bearer ${token}" 1; default 0; }
  server {
    listen ${host}:${basicPort} ssl;
    ssl_certificate ${join(tls.dir, 'broker.crt')};
    ssl_certificate_key ${join(tls.dir, 'broker.key')};
    location / {
      auth_basic "syncline registry";
      auth_basic_user_file ${dir}/htpasswd;
      proxy_set_header Authorization "";
      proxy_pass ${upstream};
    }
  }
  server {
    listen ${host}:${bearerPort};
    location / {
      if ($bearer_ok = 0) { return 401; }
      proxy_set_header Authorization "";
      proxy_pass ${upstream};
    }
  }
}
`,
  );
  const child: ChildProcess = spawn(nginxBinary(), ['-p', dir, '-c', join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const path = '/apis/ccompat/v7';
  const proxy: RegistryAuthProxy = {
    basicUrl: `https://${host}:${basicPort}${path}`,
    bearerUrl: `http://${host}:${bearerPort}${path}`,
    username,
    password,
    token,
    caFile: tls.caFile,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    // Up once it answers: 401 without credentials is the answer wanted.
    await waitUntil(
      'nginx in front of the registry',
      async () => {
        if (child.exitCode !== null) throw new Error(`nginx exited: ${output}`);
        const response = await fetch(`${proxy.bearerUrl}/subjects`);
        return response.status === 401 ? true : undefined;
      },
      15_000,
      100,
    );
  } catch (error) {
    await proxy.stop();
    throw error;
  }
  return proxy;
}
