import { strict as assert } from 'node:assert';
import { createDirectLab } from './lab';
import { SERVER_DROPS_SPORT_20 } from './rules';
import { startLabServer } from './servers';
import { useScenario } from './suite';
import { PROBE_FLAGS, listFromClient, listRequest, probeFromClient, probeUrl } from './runClient';
import { dataConnections, expectDataFailure, expectListed } from './expect';

/**
 * Scenario 3: the server's firewall drops outgoing connections from source port 20. vsftpd with
 * connect_from_port_20=YES opens its active-mode data connections from port 20 and fails; with NO it uses an
 * ephemeral port and works: the reason active mode can "work with port 20 blocked". The client's log shows
 * the server's source port of every active data connection.
 *   ftpx<pid>-cli 10.200.0.1 <-> 10.200.0.2 ftpx<pid>-srv (vsftpd :21 from port 20, :2121 ephemeral)
 */
describe('network: server firewall blocks source port 20', function () {
  this.timeout(120000);
  const scenario = useScenario(createDirectLab, async (lab, servers) => {
    servers.push(await startLabServer(lab, { port: 21, connectFromPort20: true }));
    servers.push(await startLabServer(lab, { port: 2121, connectFromPort20: false }));
  });
  const from20 = (over: Parameters<typeof listRequest>[2], repeat?: number) => listRequest(scenario().lab.serverAddress, scenario().servers[0], over, repeat);
  const ephemeral = (over: Parameters<typeof listRequest>[2]) => listRequest(scenario().lab.serverAddress, scenario().servers[1], over);

  describe('before the rule: the log shows where active connections come from', () => {
    it('connect_from_port_20=YES: the server connects from port 20', async () => {
      const r = await listFromClient(scenario().lab, from20({ mode: 'active', fallback: false }));
      expectListed(r, 'active');
      assert.deepEqual(dataConnections(r).map((c) => [c.from, c.fromPort]), [['10.200.0.2', 20]]);
      assert.match(r.log.join('\n'), /--- data open active list: server 10\.200\.0\.2:20 connected to 10\.200\.0\.1:\d+/);
    });

    it('probe: reports that the server connects from port 20', async () => {
      const { lab, servers } = scenario();
      const { report } = await probeFromClient(lab, probeUrl(lab.serverAddress, servers[0]), servers[0].password, PROBE_FLAGS);
      assert.deepEqual(report.activeSource, { address: '10.200.0.2', port: 20, fromPort20: true });
      const f = report.findings.find((x) => x.check === 'port-20')!;
      assert.equal(f.status, 'info');
      assert.match(f.summary, /^yes: the server's data connections come from port 20/);
    });
  });

  describe('with outgoing tcp sport 20 dropped on the server', () => {
    before(async function () {
      const { lab } = scenario();
      await lab.nft(lab.srv, SERVER_DROPS_SPORT_20);
    });

    it('connect_from_port_20=YES, active, fallback off: fails; the diagnosis includes the port-20 egress rule', async () => {
      const { lab } = scenario();
      const before = await lab.counter(lab.srv, 'sport-20');
      const r = await listFromClient(lab, from20({ mode: 'active', fallback: false }));
      expectDataFailure(r, 'active', 'no-connect-back', /^The server did not connect back to 10\.200\.0\.1:\d+ within 3 s\. /, [
        /or the server's own firewall blocks its outgoing data connections \(often those from port 20\)/,
        /Use passive mode \(or turn on fallback\)\.$/,
      ]);
      assert.ok((await lab.counter(lab.srv, 'sport-20')) > before, 'nothing left from port 20');
    });

    it('connect_from_port_20=YES, active, fallback on: falls back to passive, and the log says so', async () => {
      const r = await listFromClient(scenario().lab, from20({ mode: 'active', fallback: true }));
      expectListed(r, 'passive', 'active');
      assert.match(r.log.find((l) => l.startsWith('--- falling back'))!, /^--- falling back from active to passive mode: The server did not connect back/);
    });

    for (const fallback of [false, true]) {
      it(`connect_from_port_20=YES, passive, fallback ${fallback ? 'on' : 'off'}: works`, async () => {
        expectListed(await listFromClient(scenario().lab, from20({ mode: 'passive', fallback })), 'passive');
      });
    }

    for (const fallback of [false, true]) {
      it(`connect_from_port_20=NO, active, fallback ${fallback ? 'on' : 'off'}: works, from an ephemeral port`, async () => {
        const r = await listFromClient(scenario().lab, ephemeral({ mode: 'active', fallback }));
        expectListed(r, 'active');
        const [c] = dataConnections(r);
        assert.equal(c.from, '10.200.0.2');
        assert.ok(c.fromPort > 1023, `server source port ${c.fromPort}`);
      });
    }

    it('connect_from_port_20=NO, passive, fallback off: works', async () => {
      expectListed(await listFromClient(scenario().lab, ephemeral({ mode: 'passive', fallback: false })), 'passive');
    });

    it('probe: active fails from port 20 (the cause names it); with NO it reports an ephemeral port', async () => {
      const { lab, servers } = scenario();
      const blocked = (await probeFromClient(lab, probeUrl(lab.serverAddress, servers[0]), servers[0].password, PROBE_FLAGS)).report;
      assert.deepEqual(blocked.active, { ok: false, via: [] });
      assert.match(blocked.findings.find((f) => f.check === 'active')!.cause ?? '', /source port 20/);
      assert.equal(blocked.findings.find((f) => f.check === 'port-20')!.status, 'warn');
      assert.deepEqual(blocked.change, {});   // passive mode is the setting, and it works

      const open = (await probeFromClient(lab, probeUrl(lab.serverAddress, servers[1]), servers[1].password, PROBE_FLAGS)).report;
      assert.equal(open.active.ok, true);
      assert.equal(open.activeSource?.fromPort20, false);
      assert.match(open.findings.find((f) => f.check === 'port-20')!.summary, /^no: the server's data connections come from port \d+, not 20/);
    });
  });
});
