import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort, stopChild, waitForPort } from './ports.js';
import { requireSystemPackage } from './system-deps.js';

const DOVECOT_INSTALL = 'apt-get install dovecot-imapd';

/** Whether Debian's dovecot (dovecot-imapd) is installed. */
export function hasDovecot(): boolean {
  return spawnSync('dovecot', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** False (and a skipped suite saying what to install) when dovecot is missing; under CI=true it throws. */
export function requireDovecot(): boolean {
  return requireSystemPackage('dovecot (dovecot-imapd)', hasDovecot(), DOVECOT_INSTALL);
}

export interface TestImap {
  host: string;
  port: number;
  user: string;
  pass: string;
  url: string;
  stop(): Promise<void>;
}

/**
 * A real dovecot IMAP server in a temp dir on a free loopback port: one mailbox (maildir),
 * plaintext login (loopback only, no TLS). Runs as the current user; as root, dovecot's own
 * users take the unprivileged parts (dovecot refuses root for logins and mail).
 */
export async function startDovecot(user = 'jobs@acme.example', pass = 'mailbox-secret'): Promise<TestImap> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-dovecot-'));
  chmodSync(dir, 0o755);
  for (const d of ['run', 'state', 'mail', 'home']) mkdirSync(join(dir, d));
  const root = process.getuid?.() === 0;
  const me = (flag: '-u' | '-g' | '-un' | '-gn') => spawnSync('id', [flag], { encoding: 'utf8' }).stdout.trim();
  const internal = root ? 'dovecot' : me('-un');
  const internalGroup = root ? 'dovecot' : me('-gn');
  const login = root ? 'dovenull' : me('-un');
  const [uid, gid] = root ? [65534, 65534] : [Number(me('-u')), Number(me('-g'))];
  if (root) for (const d of ['mail', 'home']) chownSync(join(dir, d), uid, gid);
  const port = await freePort();
  writeFileSync(join(dir, 'passwd'), `${user}:{PLAIN}${pass}\n`);
  writeFileSync(
    join(dir, 'dovecot.conf'),
    `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
first_valid_uid = 1
default_internal_user = ${internal}
default_internal_group = ${internalGroup}
default_login_user = ${login}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/home/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`,
  );
  const child = spawn('dovecot', ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await waitForPort(port, child, () => output, { name: 'dovecot', timeoutMs: 60_000 });
  return {
    host: '127.0.0.1',
    port,
    user,
    pass,
    url: `imap://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}`,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface CapturedMail {
  from: string;
  to: string[];
  raw: string;
  parsed: ParsedMail;
}

export interface TestSmtp {
  port: number;
  url: string;
  mails: CapturedMail[];
  /** Resolves with the `n`th captured mail (1-based) that matches, waiting up to `timeoutMs`. */
  waitFor(match: (m: CapturedMail) => boolean, n?: number, timeoutMs?: number): Promise<CapturedMail>;
  stop(): Promise<void>;
}

/** A real SMTP server (smtp-server) on a free loopback port that captures every mail it accepts. */
export async function startSmtpCapture(): Promise<TestSmtp> {
  const mails: CapturedMail[] = [];
  const listeners = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        void simpleParser(raw).then((parsed) => {
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          mails.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw, parsed });
          for (const l of listeners) l();
          callback();
        }, callback);
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    waitFor(match, n = 1, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = mails.filter(match);
          if (found.length >= n) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(found[n - 1]!);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no mail #${n} matching after ${timeoutMs} ms; captured: ${mails.map((m) => `${m.to.join(',')}: ${m.parsed.subject ?? ''} / ${(m.parsed.text ?? '').slice(0, 80)}`).join(' | ')}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
