import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FtpClient, FtpTimeoutError, formatLogEvent, isSafeSaveTemp, safeSave, type FtpLogEvent } from '../../src/ftp';
import { startServer, type RunningServer } from '../servers';
import { clientOf } from './connect';
import { FaultProxy, type CommandAction, type DataPlan, type ProxyHooks, type ProxySession, type ReplyAction } from '../faults/proxy';
import { contentOf, openDescriptors, seeded, settle, until } from '../faults/util';

/**
 * Soak: 2,000 mixed operations (safe saves, downloads, listings, SIZE, renames, deletes, folders) by three
 * clients at once (two in passive mode, one in active mode) through the fault proxy to vsftpd, with a random
 * fault (seeded: SOAK_SEED) in about one operation of eight: cuts before and after commands and replies, data connections reset, closed early or
 * cut short, 421s, a server that stops answering.
 *
 * After each operation the server's disk is compared with a model: a save reported successful left the new
 * content; a failed one left the old or the new; a download reported successful is byte-exact. At the end
 * every file is accounted for, no temporary file is left (but one a timeout left and no later save of that
 * client removed), and the process has as many open sockets and files as before.
 */
const OPS = Number(process.env.SOAK_OPS ?? 2000);
const SEED = Number(process.env.SOAK_SEED ?? 20240611);
const TIMEOUT_MS = 1000;
const FAULT_RATE = 0.125;
const CLIENTS = 3;

type OpKind = 'save' | 'download' | 'list' | 'size' | 'rename' | 'delete' | 'mkdir';

const VERBS: Record<OpKind, string[]> = {
  save: ['EPSV', 'LIST', 'STOR', 'SIZE', 'SITE', 'RNFR', 'RNTO'],
  download: ['EPSV', 'RETR'],
  list: ['CWD', 'EPSV', 'LIST'],
  size: ['SIZE'],
  rename: ['RNFR', 'RNTO'],
  delete: ['DELE'],
  mkdir: ['MKD', 'RMD'],
};

interface Fault {
  describe: string;
  /** true until it has struck once */
  armed: boolean;
  command?: (line: string) => CommandAction;
  reply?: (code: number, command: string) => ReplyAction;
  data?: (verb: string) => DataPlan | undefined;
}

describe('Reliability: soak with random faults', function () {
  this.timeout(170000);
  let srv: RunningServer;
  let proxy: FaultProxy;

  before(async () => {
    srv = await startServer('vsftpd');
    proxy = await FaultProxy.start({ host: srv.host, port: srv.port });
  });

  after(async () => {
    await proxy?.close();
    await srv?.stop();
  });

  it(`${OPS} mixed operations with random cuts: every file accounted for, no descriptor leaked`, async () => {
    const rnd = seeded(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const fdBefore = openDescriptors();
    const started = Date.now();
    const stats = {
      ops: 0,
      byKind: {} as Record<string, number>,
      faults: 0,
      struck: 0,
      failed: 0,
      timeouts: 0,
      reconnects: 0,
      maxErrorMs: 0,
      savesOk: 0,
      savesFailed: 0,
      leftAfterTimeout: 0,
      activeCommands: 0,
    };
    const problems: string[] = [];
    const events: FtpLogEvent[] = [];

    // Faults are per client: a session belongs to the client whose control connection has its port.
    const ports = new Map<number, number>(); // client index -> local port of its control connection
    const faults: (Fault | undefined)[] = new Array(CLIENTS).fill(undefined);
    const owner = (s: ProxySession) => {
      for (const [i, p] of ports) if (s.client.remotePort === p) return i;
      return -1;
    };
    const fire = <T>(s: ProxySession, f: (fault: Fault) => T | undefined): T | undefined => {
      const i = owner(s);
      const fault = i >= 0 ? faults[i] : undefined;
      if (!fault?.armed) return undefined;
      const action = f(fault);
      if (action !== undefined && action !== 'forward') {
        fault.armed = false;
        stats.struck++;
      }
      return action;
    };
    const hooks: ProxyHooks = {
      command: (line, s) => fire(s, (f) => f.command?.(line)),
      reply: (r, s) => fire(s, (f) => f.reply?.(r.code, r.command ?? '')),
      data: (t, s) => fire(s, (f) => f.data?.(t.verb)),
    };
    proxy.hooks = hooks;

    function randomFault(kind: OpKind): Fault {
      const verb = pick(VERBS[kind]);
      const starts = (l: string) => l.toUpperCase().startsWith(verb);
      const r = rnd();
      const size = 48 * 1024;
      if (r < 0.2) return { describe: `cut before ${verb}`, armed: true, command: (l) => (starts(l) ? 'cut' : undefined) };
      if (r < 0.35) return { describe: `cut after ${verb}`, armed: true, command: (l) => (starts(l) ? 'cut-after' : undefined) };
      if (r < 0.5) return { describe: `cut at the reply to ${verb}`, armed: true, reply: (_c, cmd) => (cmd.toUpperCase().startsWith(verb) ? 'cut' : undefined) };
      if (r < 0.58) {
        return {
          describe: `421 for ${verb}`,
          armed: true,
          reply: (_c, cmd) => (cmd.toUpperCase().startsWith(verb) ? { replace: '421 Service not available, closing control connection.' } : undefined),
        };
      }
      if (r < 0.88) {
        const at = Math.floor(rnd() * size);
        const how = rnd() < 0.5 ? ('reset' as const) : ('end' as const);
        const truncate = rnd() < 0.3;
        return {
          describe: truncate ? `upload cut short at ${at} (226 anyway)` : `data ${how} at ${at}`,
          armed: true,
          data: (v) => (v === 'LIST' ? undefined : truncate ? (v === 'STOR' ? { truncateAt: at } : undefined) : { cutAfter: at, how }),
        };
      }
      if (r < 0.94) return { describe: `server silent after ${verb}`, armed: true, command: (l) => (starts(l) ? 'stall' : undefined) };
      return { describe: `data stalls`, armed: true, data: (v) => (v === 'LIST' ? undefined : { stallAfter: Math.floor(rnd() * 4096) }) };
    }

    // The model: each client's folder, file name -> content.
    const models: Map<string, Buffer>[] = [];
    const clients: FtpClient[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const dir = path.join(srv.root, `soak${i}`);
      fs.mkdirSync(dir);
      fs.chmodSync(dir, 0o777);
      models.push(new Map());
      const c = await clientOf(srv, {
        timeoutMs: TIMEOUT_MS,
        mode: i === CLIENTS - 1 ? 'active' : 'passive', // the last client's data connections come from the server
        logger: (e) => {
          if (e.kind === 'command' && /^(EPRT|PORT) /.test(e.text)) stats.activeCommands++;
          if (e.kind === 'connect') {
            ports.set(i, Number(e.local.split(':').pop()));
            stats.reconnects++;
          }
          if (e.kind !== 'reply' && e.kind !== 'command') events.push(e);
          if (events.length > 2000) events.splice(0, 1000);
        },
      }, proxy);
      clients.push(c);
    }
    stats.reconnects -= CLIENTS;

    const disk = (i: number, name: string): Buffer | undefined => {
      try {
        return fs.readFileSync(path.join(srv.root, `soak${i}`, name));
      } catch {
        return undefined;
      }
    };
    /** Re-read the model of one name from the disk, after an operation whose outcome may be either way. */
    const resync = (i: number, name: string) => {
      const d = disk(i, name);
      if (d) models[i].set(name, d);
      else models[i].delete(name);
    };
    let version = 0;

    async function one(i: number): Promise<void> {
      const c = clients[i];
      const model = models[i];
      const dir = `/soak${i}`;
      const names = [...model.keys()];
      const kinds: OpKind[] = ['save', 'save', 'save', 'download', 'download', 'list', 'size', 'rename', 'delete', 'mkdir'];
      let kind = pick(kinds);
      if (names.length === 0 && kind !== 'list' && kind !== 'mkdir') kind = 'save';
      if (names.length > 12 && kind === 'save' && rnd() < 0.3) kind = 'delete';
      const fault = rnd() < FAULT_RATE ? randomFault(kind) : undefined;
      if (fault) stats.faults++;
      faults[i] = fault;
      stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
      const name = kind === 'save' && (names.length < 4 || rnd() < 0.3) ? `f${Math.floor(rnd() * 1e6)}.bin` : pick(names.length ? names : ['none']);
      const where = `${dir}/${name}`;
      const label = `#${stats.ops} client ${i} ${kind} ${name}${fault ? ` [${fault.describe}]` : ''}`;
      let r: Awaited<ReturnType<typeof settle>>;
      // A command that reached the server before a cut may still be carried out: judge the disk after that.
      const op = async <T>(p: Promise<T>) => {
        const out = await settle(p);
        if (fault && !fault.armed) await proxy.settled(5000);
        return out;
      };
      switch (kind) {
        case 'save': {
          const old = model.get(name);
          const content = contentOf(name, ++version, Math.floor(rnd() * 48 * 1024));
          r = await op(safeSave(c, where, content));
          const now = disk(i, name);
          if (r.ok) {
            stats.savesOk++;
            if (!now?.equals(content)) problems.push(`${label}: reported saved, but the disk has ${now ? `${now.length} other bytes` : 'nothing'}`);
          } else {
            stats.savesFailed++;
            const fine = (now === undefined && old === undefined) || (now && (now.equals(content) || (old && now.equals(old))));
            if (!fine) problems.push(`${label}: after "${r.error.message}" the disk has ${now ? `${now.length} bytes, neither old nor new` : 'nothing'}`);
          }
          resync(i, name);
          break;
        }
        case 'download': {
          const want = model.get(name);
          r = await op(c.downloadBuffer(where));
          if (r.ok && !(r.value as Buffer).equals(want!)) problems.push(`${label}: reported downloaded, but ${(r.value as Buffer).length} bytes differ from ${want?.length}`);
          break;
        }
        case 'list': {
          r = await op(c.list(dir));
          if (r.ok) {
            const listed = (r.value as { name: string }[]).map((e) => e.name).filter((n) => !isSafeSaveTemp(n) && n !== '.' && n !== '..' && !n.startsWith('sub'));
            const want = [...model.keys()].sort();
            if (listed.sort().join('/') !== want.join('/')) problems.push(`${label}: listed ${listed.join(',')} but the model has ${want.join(',')}`);
          }
          break;
        }
        case 'size': {
          r = await op(c.size(where));
          if (r.ok && r.value !== model.get(name)?.length) problems.push(`${label}: SIZE ${r.value as number}, model ${model.get(name)?.length}`);
          break;
        }
        case 'rename': {
          const to = `r${Math.floor(rnd() * 1e6)}.bin`;
          r = await op(c.rename(where, `${dir}/${to}`));
          resync(i, name);
          resync(i, to);
          if (r.ok && (model.has(name) || !model.has(to))) problems.push(`${label}: reported renamed, but the disk disagrees`);
          break;
        }
        case 'delete': {
          r = await op(c.delete(where));
          resync(i, name);
          if (r.ok && model.has(name)) problems.push(`${label}: reported deleted, but it is there`);
          break;
        }
        case 'mkdir': {
          const sub = `${dir}/sub${Math.floor(rnd() * 1e6)}`;
          r = await op(c.mkdir(sub).then(() => c.rmdir(sub)));
          if (r.ok && fs.existsSync(path.join(srv.root, sub))) problems.push(`${label}: the folder stayed`);
          fs.rmSync(path.join(srv.root, sub), { recursive: true, force: true });
          break;
        }
      }
      faults[i] = undefined;
      stats.ops++;
      if (!r.ok) {
        stats.failed++;
        stats.maxErrorMs = Math.max(stats.maxErrorMs, r.ms);
        if (r.error instanceof FtpTimeoutError) stats.timeouts++;
        if (r.error.message.includes(srv.password)) problems.push(`${label}: the password in an error`);
        // One fault costs at most: the wait it causes (a timeout), plus a reconnect and a bounded final reply.
        if (r.ms > TIMEOUT_MS * 3 + 1500) problems.push(`${label}: the error took ${r.ms} ms`);
        if (!fault) problems.push(`${label}: failed without a fault: ${r.error.message}`);
      }
    }

    const perClient = Math.ceil(OPS / CLIENTS);
    await Promise.all(
      clients.map(async (_c, i) => {
        for (let k = 0; k < perClient && stats.ops < OPS; k++) await one(i);
      }),
    );
    const elapsed = Date.now() - started;

    // Accounted for: every file on disk is in the model with its content; temporaries only after timeouts.
    for (let i = 0; i < CLIENTS; i++) {
      const onDisk = fs.readdirSync(path.join(srv.root, `soak${i}`));
      const temps = onDisk.filter(isSafeSaveTemp);
      stats.leftAfterTimeout += temps.length;
      for (const n of onDisk.filter((x) => !isSafeSaveTemp(x))) {
        if (!models[i].get(n)?.equals(disk(i, n)!)) problems.push(`client ${i}: ${n} on disk is not accounted for`);
      }
      for (const n of models[i].keys()) if (!onDisk.includes(n)) problems.push(`client ${i}: ${n} is missing`);
    }
    if (stats.leftAfterTimeout > stats.timeouts) problems.push(`${stats.leftAfterTimeout} temporary files left, but only ${stats.timeouts} timeouts`);

    await Promise.all(clients.map((c) => c.close()));
    const proxyIdle = await proxy.idle(5000);
    const fdsBack = await until(() => {
      const now = openDescriptors();
      return now.sockets <= fdBefore.sockets && now.files <= fdBefore.files;
    }, 5000);
    const fdAfter = openDescriptors();

    const summary =
      `soak (seed ${SEED}): ${stats.ops} operations in ${(elapsed / 1000).toFixed(1)} s ` +
      `(${Object.entries(stats.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}); ` +
      `${stats.faults} faults armed, ${stats.struck} struck; ${stats.activeCommands} active-mode data connections; ${stats.failed} operations failed (${stats.timeouts} timeouts, ` +
      `slowest error ${stats.maxErrorMs} ms); saves ${stats.savesOk} ok / ${stats.savesFailed} failed; ${stats.reconnects} reconnects; ` +
      `temporary files left after timeouts: ${stats.leftAfterTimeout}; descriptors before/after: ` +
      `${fdBefore.sockets}/${fdAfter.sockets} sockets, ${fdBefore.files}/${fdAfter.files} files`;
    console.log(`      ${summary}`);
    assert.deepEqual(problems, [], `${summary}\n${problems.slice(0, 20).join('\n')}\n${events.slice(-40).map(formatLogEvent).join('\n')}`);
    assert.equal(stats.ops, OPS);
    assert.ok(proxyIdle, `${proxy.openSockets} proxy sockets still open`);
    assert.ok(fdsBack, `descriptors leaked:\nbefore ${fdBefore.list.join(', ')}\nafter ${fdAfter.list.join(', ')}`);
    assert.ok(stats.struck > OPS / 20, `only ${stats.struck} faults struck`);
    assert.ok(stats.activeCommands > OPS / 30, `only ${stats.activeCommands} active-mode data connections`);
  });
});
