import { strict as assert } from 'node:assert';
import { createNatLab } from './lab';
import { natInFrontOfClient } from './rules';
import { startLabServer } from './servers';
import { useScenario } from './suite';
import { PROBE_FLAGS, cliFromClient, listFromClient, listRequest, probeFromClient, probeUrl } from './runClient';
import { dataConnections, expectDataFailure, expectListed } from './expect';

const FORWARDED: [number, number] = [50000, 50009];

/**
 * Scenario 5: the client is behind NAT (masquerade, no FTP helper). PORT/EPRT carry the client's private
 * address 10.200.1.1 while the server sees the router's 10.200.2.254, so vsftpd refuses them
 * (500 Illegal PORT command); the error says so and suggests passive mode or the active-mode address setting.
 * With that setting (the router's address) and the active port range forwarded on the router, active works.
 *   ftpx<pid>-cli 10.200.1.1 <-> 10.200.1.254 ftpx<pid>-nat 10.200.2.254 <-> 10.200.2.2 ftpx<pid>-srv
 *   (the server has no route into 10.200.1.0/24)
 */
describe('network: client behind NAT', function () {
  this.timeout(120000);
  const scenario = useScenario(
    () => createNatLab({ serverRoutesToClient: false }),
    async (lab, servers) => {
      servers.push(await startLabServer(lab));
      await lab.nft(lab.nat!, natInFrontOfClient(lab.natServerSide!, lab.clientAddress, FORWARDED));
    },
  );
  const req = (over: Parameters<typeof listRequest>[2]) => listRequest(scenario().lab.serverAddress, scenario().servers[0], over);

  for (const fallback of [false, true]) {
    it(`passive, fallback ${fallback ? 'on' : 'off'}: works through the NAT`, async () => {
      expectListed(await listFromClient(scenario().lab, req({ mode: 'passive', fallback })), 'passive');
    });
  }

  it('active, fallback off: the server refuses the private address; the error says so and suggests passive or the address setting', async () => {
    const r = await listFromClient(scenario().lab, req({ mode: 'active', fallback: false }));
    const e = expectDataFailure(r, 'active', 'command-refused', /^The server refused EPRT and PORT 10\.200\.1\.1:\d+ \(500 Illegal PORT command\.\)\. /, [
      /^This machine offered its address 10\.200\.1\.1, which is private: if it is behind NAT the server sees another address and refuses the data connection\./,
      /Use passive mode, or set the active-mode address to this network's public address \(and forward the active-mode port range to this machine\)\.$/,
    ]);
    assert.equal(e.code, 500);
    assert.ok(r.log.includes('<--- 500 Illegal EPRT command.'), r.log.join('\n'));
    assert.ok(r.log.includes('<--- 500 Illegal PORT command.'), r.log.join('\n'));
  });

  it('active, fallback on: falls back to passive, and the log says so', async () => {
    const r = await listFromClient(scenario().lab, req({ mode: 'active', fallback: true }));
    expectListed(r, 'passive', 'active');
    assert.match(r.log.find((l) => l.startsWith('--- falling back'))!, /^--- falling back from active to passive mode: The server refused EPRT and PORT 10\.200\.1\.1:\d+ \(500 Illegal PORT command\.\)/);
  });

  for (const fallback of [false, true]) {
    it(`active with the active-mode address set to the router's and the port range forwarded, fallback ${fallback ? 'on' : 'off'}: works`, async () => {
      const { lab } = scenario();
      const r = await listFromClient(lab, req({ mode: 'active', fallback, activeAddress: lab.natServerSide, activePortRange: FORWARDED }));
      expectListed(r, 'active');
      assert.ok(r.log.some((l) => l.startsWith(`---> EPRT |1|${lab.natServerSide}|50`)), r.log.join('\n'));
      const [c] = dataConnections(r);
      assert.ok(c.toPort >= FORWARDED[0] && c.toPort <= FORWARDED[1], `listened on ${c.toPort}`);
    });
  }

  it('probe: active refused for the private address; change the mode to passive', async () => {
    const { lab, servers } = scenario();
    const { report } = await probeFromClient(lab, probeUrl(lab.serverAddress, servers[0]), servers[0].password, [...PROBE_FLAGS, '--mode', 'active']);
    assert.deepEqual(report.methods.map((m) => [m.method, m.ok, m.code ?? null]), [
      ['EPSV', true, null], ['PASV', true, null], ['EPRT', false, 500], ['PORT', false, 500],
    ]);
    const active = report.findings.find((f) => f.check === 'active')!;
    assert.match(active.cause ?? '', /refused the address this machine offered \(10\.200\.1\.1\)\. It is a private address: this machine is probably behind NAT/);
    assert.match(active.change ?? '', /"activeAddress"/);
    assert.deepEqual(report.change, { mode: 'passive' });
  });

  it('probe without --json: the short plain-words report', async () => {
    const { lab, servers } = scenario();
    const r = await cliFromClient(lab, ['probe', probeUrl(lab.serverAddress, servers[0]), ...PROBE_FLAGS, '--mode', 'active'], servers[0].password);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^FTP diagnosis of 10\.200\.2\.2:21 \(from 10\.200\.1\.1:\d+\)$/);
    assert.ok(lines.includes('  FAIL  active mode   FAILS (EPRT: 500 Illegal EPRT command.; PORT: 500 Illegal PORT command.)'), r.stdout);
    assert.ok(lines.includes('Works: login, passive mode (EPSV, PASV).'), r.stdout);
    assert.ok(lines.includes('Fails: EPRT, PORT.'), r.stdout);
    assert.ok(lines.some((l) => /^Why: The server refused the address this machine offered \(10\.200\.1\.1\)/.test(l)), r.stdout);
    assert.equal(lines[lines.length - 1], 'Change: set "mode" to "passive".');
  });
});
