import { strict as assert } from 'node:assert';
import { createDirectLab } from './lab';
import { serverAllowsOnly } from './rules';
import { startLabServer } from './servers';
import { useScenario } from './suite';
import { PROBE_FLAGS, listFromClient, listRequest, probeFromClient, probeUrl } from './runClient';
import { dataConnections, expectDataFailure, expectListed } from './expect';

const OPEN_RANGE: [number, number] = [40000, 40009];
const WRONG_RANGE: [number, number] = [41000, 41009];

/**
 * Scenario 2: the server's firewall lets in only the control ports and the passive range 40000-40009.
 * A server configured with that range works in passive mode; one configured with 41000-41009 (outside the
 * range) fails in passive mode, and the diagnosis names the port that could not be reached. Active mode
 * works on both: the server's outgoing connections are not filtered.
 *   ftpx<pid>-cli 10.200.0.1 <-> 10.200.0.2 ftpx<pid>-srv (input policy drop; vsftpd :21 range inside, :2121 range outside)
 */
describe('network: server firewall allows only the control port and a passive range', function () {
  this.timeout(120000);
  const scenario = useScenario(createDirectLab, async (lab, servers) => {
    servers.push(await startLabServer(lab, { port: 21, pasvPorts: OPEN_RANGE }));
    servers.push(await startLabServer(lab, { port: 2121, pasvPorts: WRONG_RANGE }));
    await lab.nft(lab.srv, serverAllowsOnly([21, 2121], OPEN_RANGE));
  });
  const inside = (over: Parameters<typeof listRequest>[2]) => listRequest(scenario().lab.serverAddress, scenario().servers[0], over);
  const outside = (over: Parameters<typeof listRequest>[2]) => listRequest(scenario().lab.serverAddress, scenario().servers[1], over);

  describe('server whose passive range is inside the open range', () => {
    for (const fallback of [false, true]) {
      it(`passive, fallback ${fallback ? 'on' : 'off'}: works, on a port inside the range`, async () => {
        const r = await listFromClient(scenario().lab, inside({ mode: 'passive', fallback }));
        expectListed(r, 'passive');
        const port = dataConnections(r)[0].toPort;
        assert.ok(port >= OPEN_RANGE[0] && port <= OPEN_RANGE[1], `data port ${port}`);
      });
      it(`active, fallback ${fallback ? 'on' : 'off'}: works`, async () => {
        expectListed(await listFromClient(scenario().lab, inside({ mode: 'active', fallback })), 'active');
      });
    }
  });

  describe('server misconfigured with a passive range outside the open range', () => {
    it('passive, fallback off: fails; the diagnosis names the port that could not be reached', async () => {
      const { lab } = scenario();
      const before = await lab.counter(lab.srv, 'input-dropped');
      const r = await listFromClient(lab, outside({ mode: 'passive', fallback: false }));
      const e = expectDataFailure(r, 'passive', 'connect-timeout', /^Could not open the passive data connection to 10\.200\.0\.2:(41\d\d\d) \(timed out\)\. /, [
        /^Nothing answered at 10\.200\.0\.2:41\d\d\d: a firewall between this machine and the server probably blocks port 41\d\d\d \(outside the server's open passive range\)/,
        /Open the passive range on the server's firewall, or use active mode\.$/,
      ]);
      // The port in the diagnosis is the one the server offered, and it lies in the misconfigured range.
      const offered = Number(/\(\|\|\|(\d+)\|\)/.exec(r.log.find((l) => l.startsWith('<--- 229'))!)![1]);
      assert.ok(offered >= WRONG_RANGE[0] && offered <= WRONG_RANGE[1], `offered ${offered}`);
      assert.match(e.diagnosis!, new RegExp(`blocks port ${offered} `));
      assert.ok((await lab.counter(lab.srv, 'input-dropped')) > before, 'the server firewall dropped nothing');
    });

    it('passive, fallback on: falls back to active, and the log says so', async () => {
      const r = await listFromClient(scenario().lab, outside({ mode: 'passive', fallback: true }));
      expectListed(r, 'active', 'passive');
      assert.match(r.log.find((l) => l.startsWith('--- falling back'))!, /^--- falling back from passive to active mode: Could not open the passive data connection to 10\.200\.0\.2:41\d\d\d \(timed out\)\. Nothing answered/);
    });

    for (const fallback of [false, true]) {
      it(`active, fallback ${fallback ? 'on' : 'off'}: works (outgoing connections are not filtered)`, async () => {
        expectListed(await listFromClient(scenario().lab, outside({ mode: 'active', fallback })), 'active');
      });
    }

    it('probe: passive fails at the named port; change the mode to active (or open the range)', async () => {
      const { lab, servers } = scenario();
      const { report } = await probeFromClient(lab, probeUrl(lab.serverAddress, servers[1]), servers[1].password, PROBE_FLAGS);
      assert.deepEqual(report.passive, { ok: false, via: [] });
      assert.deepEqual(report.active, { ok: true, via: ['EPRT', 'PORT'] });
      const passive = report.findings.find((f) => f.check === 'passive')!;
      assert.match(passive.cause ?? '', /Nothing answered at the server's passive port 41\d\d\d: a firewall/);
      assert.match(passive.change ?? '', /open its passive port range/);
      assert.deepEqual(report.change, { mode: 'active' });
    });
  });
});
