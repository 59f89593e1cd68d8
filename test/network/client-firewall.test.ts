import { strict as assert } from 'node:assert';
import { createDirectLab } from './lab';
import { CLIENT_DROPS_INBOUND } from './rules';
import { startLabServer } from './servers';
import { useScenario } from './suite';
import { PROBE_FLAGS, listFromClient, listRequest, probeFromClient, probeUrl } from './runClient';
import { expectDataFailure, expectListed } from './expect';

/**
 * Scenario 1: the client's firewall drops every new inbound connection (a desktop firewall).
 * Active mode needs the server to connect in, so it fails; passive mode only connects out, so it works.
 *   ftpx<pid>-cli 10.200.0.1 (input: ct state new tcp drop) <-> 10.200.0.2 ftpx<pid>-srv (vsftpd :21)
 */
describe('network: client firewall drops inbound connections', function () {
  this.timeout(120000);
  const scenario = useScenario(createDirectLab, async (lab, servers) => {
    servers.push(await startLabServer(lab));
    await lab.nft(lab.cli, CLIENT_DROPS_INBOUND);
  });
  const req = (over: Parameters<typeof listRequest>[2], repeat?: number) => {
    const { lab, servers } = scenario();
    return listRequest(lab.serverAddress, servers[0], over, repeat);
  };

  it('passive, fallback off: works', async () => {
    expectListed(await listFromClient(scenario().lab, req({ mode: 'passive', fallback: false })), 'passive');
  });

  it('passive, fallback on: works without falling back', async () => {
    expectListed(await listFromClient(scenario().lab, req({ mode: 'passive', fallback: true })), 'passive');
  });

  it('active, fallback off: fails; the diagnosis says inbound connections are blocked', async () => {
    const { lab } = scenario();
    const before = await lab.counter(lab.cli, 'inbound-new');
    const r = await listFromClient(lab, req({ mode: 'active', fallback: false }));
    expectDataFailure(r, 'active', 'no-connect-back', /^The server did not connect back to 10\.200\.0\.1:\d+ within 3 s\. /, [
      /^An inbound firewall on this machine or a NAT router in front of it probably blocks connections from the server/,
      /Use passive mode \(or turn on fallback\)\.$/,
    ]);
    // The server did try: its SYNs died in the client's firewall.
    assert.ok((await lab.counter(lab.cli, 'inbound-new')) > before, 'the client firewall dropped nothing');
  });

  it('active, fallback on: falls back to passive, the log says so, and the session stays in passive mode', async () => {
    const r = await listFromClient(scenario().lab, req({ mode: 'active', fallback: true }, 2));
    expectListed(r, 'passive', 'active');
    const fb = r.log.find((l) => l.startsWith('--- falling back'))!;
    assert.match(fb, /^--- falling back from active to passive mode: The server did not connect back to 10\.200\.0\.1:\d+ within 3 s\. An inbound firewall on this machine/);
    // The second listing went straight to passive mode: one EPRT only, two passive data connections.
    assert.equal(r.log.filter((l) => l.startsWith('---> EPRT')).length, 1, r.log.join('\n'));
    assert.equal(r.log.filter((l) => l.startsWith('--- data open passive')).length, 2, r.log.join('\n'));
  });

  it('probe: passive works, active fails because inbound connections are blocked; change the mode to passive', async () => {
    const { lab, servers } = scenario();
    const { code, report } = await probeFromClient(lab, probeUrl(lab.serverAddress, servers[0]), servers[0].password, [...PROBE_FLAGS, '--mode', 'active']);
    assert.equal(code, 0);
    assert.deepEqual(report.passive, { ok: true, via: ['EPSV', 'PASV'] });
    assert.deepEqual(report.active, { ok: false, via: [] });
    assert.deepEqual(report.methods.map((m) => [m.method, m.ok, m.failure ?? null]), [
      ['EPSV', true, null], ['PASV', true, null], ['EPRT', false, 'no-connect-back'], ['PORT', false, 'no-connect-back'],
    ]);
    const active = report.findings.find((f) => f.check === 'active')!;
    assert.match(active.cause ?? '', /inbound firewall on this machine/);
    assert.deepEqual(report.change, { mode: 'passive' });
    assert.equal(report.advice[report.advice.length - 1], 'Change: set "mode" to "passive".');
  });
});
