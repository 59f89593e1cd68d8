import { strict as assert } from 'node:assert';
import { createNatLab } from './lab';
import { natInFrontOfServer } from './rules';
import { startLabServer } from './servers';
import { useScenario } from './suite';
import { PROBE_FLAGS, listFromClient, listRequest, probeFromClient, probeUrl } from './runClient';
import { dataConnections, expectDataFailure, expectListed } from './expect';

/**
 * Scenario 4: the server is behind NAT. The router's address 10.200.1.254 forwards the control port and the
 * passive range to the server's private 10.200.2.2, which the server advertises in its 227 replies. The
 * client's default (connect to the control connection's peer) works; trusting the 227 address fails, and
 * the diagnosis names the unreachable address.
 *
 * EPSV carries no address, so it would hide the problem: the main server refuses EPSV
 * (vsftpd `cmds_denied=EPSV`, answering 550), so the client's normal EPSV-then-PASV path really uses PASV,
 * as with an old server or a router that mangles EPSV. A second server (:2121) allows EPSV, to show that EPSV
 * makes the 227 address irrelevant.
 *   ftpx<pid>-cli 10.200.1.1 <-> 10.200.1.254 ftpx<pid>-nat 10.200.2.254 <-> 10.200.2.2 ftpx<pid>-srv
 */
describe('network: server behind NAT advertises its private address in 227', function () {
  this.timeout(120000);
  const scenario = useScenario(
    () => createNatLab({ serverRoutesToClient: true }),
    async (lab, servers) => {
      servers.push(await startLabServer(lab, { port: 21, pasvPorts: [40000, 40009], extraConfig: { cmds_denied: 'EPSV' } }));
      servers.push(await startLabServer(lab, { port: 2121, pasvPorts: [40010, 40019] }));
      await lab.nft(lab.nat!, natInFrontOfServer(lab.natClientSide!, lab.serverAddress, ['21', '2121', '40000-40019']));
    },
  );
  const pasvOnly = (over: Parameters<typeof listRequest>[2]) => listRequest(scenario().lab.natClientSide!, scenario().servers[0], over);
  const withEpsv = (over: Parameters<typeof listRequest>[2]) => listRequest(scenario().lab.natClientSide!, scenario().servers[1], over);

  describe('default: the client connects to the control peer, not to the 227 address', () => {
    for (const fallback of [false, true]) {
      it(`passive, fallback ${fallback ? 'on' : 'off'}: works through PASV; the log says the 227 address was replaced`, async () => {
        const r = await listFromClient(scenario().lab, pasvOnly({ mode: 'passive', fallback }));
        expectListed(r, 'passive');
        assert.ok(r.log.includes('<--- 550 Permission denied.'), 'EPSV refused');
        assert.ok(r.log.includes('--- PASV reply names 10.200.2.2; connecting to the control peer 10.200.1.254 instead'), r.log.join('\n'));
        assert.equal(dataConnections(r)[0].to, '10.200.1.254');
      });
    }
  });

  describe('trusting the 227 address', () => {
    it('passive, fallback off: fails; the diagnosis names the unreachable address', async () => {
      const { lab } = scenario();
      const before = await lab.counter(lab.nat!, 'forward-dropped');
      const r = await listFromClient(lab, pasvOnly({ mode: 'passive', fallback: false, trustPasvAddress: true }));
      expectDataFailure(r, 'passive', 'connect-timeout', /^Could not open the passive data connection to 10\.200\.2\.2:400\d\d \(timed out\)\. /, [
        /^The server advertised 10\.200\.2\.2 in its PASV reply but the control connection goes to 10\.200\.1\.254: /,
        /the server is probably behind NAT and 10\.200\.2\.2 is not reachable from here\./,
        /Turn off "trust PASV address" so the client connects to 10\.200\.1\.254\.$/,
      ]);
      assert.ok((await lab.counter(lab.nat!, 'forward-dropped')) > before, 'the router dropped nothing');
    });

    it('passive, fallback on: falls back to active, and the log says so', async () => {
      const r = await listFromClient(scenario().lab, pasvOnly({ mode: 'passive', fallback: true, trustPasvAddress: true }));
      expectListed(r, 'active', 'passive');
      assert.match(r.log.find((l) => l.startsWith('--- falling back'))!, /^--- falling back from passive to active mode: Could not open the passive data connection to 10\.200\.2\.2:\d+ \(timed out\)\. The server advertised 10\.200\.2\.2/);
      // The server's connection comes out of the router, from its public address.
      assert.equal(dataConnections(r)[0].from, '10.200.1.254');
    });

    for (const fallback of [false, true]) {
      it(`active, fallback ${fallback ? 'on' : 'off'}: works (the 227 address plays no part)`, async () => {
        expectListed(await listFromClient(scenario().lab, pasvOnly({ mode: 'active', fallback, trustPasvAddress: true })), 'active');
      });
    }

    it('passive with EPSV allowed: works, EPSV carries no address to trust', async () => {
      const r = await listFromClient(scenario().lab, withEpsv({ mode: 'passive', fallback: false, trustPasvAddress: true }));
      expectListed(r, 'passive');
      assert.ok(r.log.some((l) => l.startsWith('<--- 229 ')), r.log.join('\n'));
      assert.ok(!r.log.includes('---> PASV'), 'no PASV sent');
    });
  });

  describe('probe', () => {
    it('default settings: PASV works; the PASV address differs from the control address (a warning), nothing to change', async () => {
      const { lab, servers } = scenario();
      const { report } = await probeFromClient(lab, probeUrl(lab.natClientSide!, servers[0]), servers[0].password, PROBE_FLAGS);
      assert.deepEqual(report.pasvAddress, { advertised: '10.200.2.2', control: '10.200.1.254', same: false, private: true, trusted: false });
      assert.deepEqual(report.passive, { ok: true, via: ['PASV'] });
      assert.equal(report.methods.find((m) => m.method === 'EPSV')?.reply, '550 Permission denied.');
      assert.equal(report.findings.find((f) => f.check === 'pasv-address')!.status, 'warn');
      assert.deepEqual(report.change, {});
    });

    it('trusting the 227 address: PASV fails, names the address; turning trust off is tested and recommended', async () => {
      const { lab, servers } = scenario();
      const { report } = await probeFromClient(lab, probeUrl(lab.natClientSide!, servers[0]), servers[0].password, [...PROBE_FLAGS, '--trust-pasv-address']);
      const pasv = report.methods.find((m) => m.method === 'PASV')!;
      assert.equal(pasv.ok, false);
      assert.match(pasv.error ?? '', /10\.200\.2\.2:400\d\d \(timed out\)/);
      assert.equal(report.pasvViaControl?.ok, true);
      const f = report.findings.find((x) => x.check === 'pasv-address')!;
      assert.equal(f.status, 'fail');
      assert.match(f.summary, /names 10\.200\.2\.2 \(private\), the control connection goes to 10\.200\.1\.254/);
      assert.deepEqual(report.change, { trustPasvAddress: false });
      assert.equal(report.advice[report.advice.length - 1], 'Change: turn off "trustPasvAddress" (the client then connects to 10.200.1.254).');
    });
  });
});
