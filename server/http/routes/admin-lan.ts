import { LanStatus, LanUpdateBody } from '../../api/lan.js';
import { endpoint } from '../endpoint.js';

const tags = ['admin'];

export const get = endpoint({
  summary: 'Whether the server is reachable from the LAN, and at which URLs.', tags, access: 'admin', response: LanStatus,
  handle: (_, s) => s.lan.status(),
});

export const update = endpoint({
  summary: 'Switch LAN access: on listens on all interfaces (needs authentication), off on loopback only. Requests in flight finish.',
  tags, access: 'admin', body: LanUpdateBody, response: LanStatus,
  handle: async ({ principal, body }, s) => {
    const status = await s.lan.setEnabled(body.enabled);
    await s.audit.record(principal.userId, body.enabled ? 'lan.enable' : 'lan.disable', 'lan', { lan_urls: status.lan_urls });
    return status;
  },
});
