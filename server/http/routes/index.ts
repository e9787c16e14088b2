/**
 * Every route of the server, one line each. This table drives the router, the OpenAPI document and the
 * metrics' route labels; adding an endpoint means adding a line here.
 */
import type { Endpoint } from '../endpoint.js';
import * as adminEngines from './admin-engines.js';
import * as adminJobs from './admin-jobs.js';
import * as adminLan from './admin-lan.js';
import * as adminMetrics from './admin-metrics.js';
import * as adminSettings from './admin-settings.js';
import * as adminUsage from './admin-usage.js';
import * as analysis from './analysis.js';
import * as anthropicMessages from './anthropic-messages.js';
import * as auth from './auth.js';
import * as chat from './chat.js';
import * as completions from './completions.js';
import * as conversations from './conversations.js';
import * as dashboard from './dashboard.js';
import * as embeddings from './embeddings.js';
import * as exportRoutes from './export.js';
import * as files from './files.js';
import * as health from './health.js';
import * as hub from './hub.js';
import * as items from './items.js';
import * as media from './media.js';
import * as mediaJan from './media-jan.js';
import * as mediaTus from './media-tus.js';
import * as metrics from './metrics.js';
import * as models from './models.js';
import * as ollama from './ollama.js';
import * as responses from './responses.js';
import * as team from './team.js';
import * as openapi from './openapi.js';
import * as projects from './projects.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each line has its own input types
export type Route = readonly [method: Method, path: string, endpoint: Endpoint<any, any, any>];

export const routes: readonly Route[] = [
  ['GET', '/', dashboard.index],
  ['GET', '/assets/:file', dashboard.asset],
  ['GET', '/invite/:code', dashboard.invite],
  ['POST', '/dashboard/logout', dashboard.logout],
  ['GET', '/healthz', health.healthz],
  ['GET', '/readyz', health.readyz],
  ['GET', '/v1/health', health.health],
  ['GET', '/metrics', metrics.exposition],
  ['GET', '/v1/openapi.json', openapi.document],

  ['POST', '/auth/guest-login', auth.guestLogin],
  ['POST', '/auth/upgrade', auth.upgrade],
  ['GET', '/auth/me', auth.me],
  ['POST', '/auth/api-keys', auth.createKey],
  ['GET', '/auth/api-keys', auth.listKeys],
  ['DELETE', '/auth/api-keys/:id', auth.deleteKey],
  ['POST', '/auth/sessions', auth.createSession],
  ['GET', '/auth/sessions', auth.listSessions],
  ['POST', '/auth/sessions/revoke-all', auth.revokeAllSessions],
  ['DELETE', '/auth/sessions/:id', auth.revokeSession],
  ['POST', '/auth/login', auth.login],
  ['POST', '/auth/logout', auth.logout],
  ['POST', '/auth/password', auth.changePassword],
  ['GET', '/auth/invitations/:code', team.previewInvitation],
  ['POST', '/auth/invitations/:code/accept', team.acceptInvitation],

  ['GET', '/v1/admin/members', team.listMembers],
  ['PATCH', '/v1/admin/members/:id', team.updateMember],
  ['DELETE', '/v1/admin/members/:id', team.deleteMember],
  ['POST', '/v1/admin/members/:id/reset', team.resetMember],
  ['POST', '/v1/admin/invitations', team.createInvitation],
  ['GET', '/v1/admin/invitations', team.listInvitations],
  ['DELETE', '/v1/admin/invitations/:id', team.revokeInvitation],
  ['GET', '/v1/admin/audit', team.audit],
  ['GET', '/v1/admin/engines', adminEngines.list],
  ['GET', '/v1/admin/lan', adminLan.get],
  ['POST', '/v1/admin/lan', adminLan.update],
  ['GET', '/v1/admin/settings', adminSettings.list],
  ['PATCH', '/v1/admin/settings', adminSettings.update],
  ['POST', '/v1/admin/settings/restart', adminSettings.restart],
  ['GET', '/v1/admin/members/:id/quotas', adminUsage.getQuotas],
  ['PUT', '/v1/admin/members/:id/quotas', adminUsage.setQuotas],
  ['GET', '/v1/admin/usage', adminUsage.usage],
  ['GET', '/v1/usage/me', adminUsage.mine],
  ['GET', '/v1/admin/metrics/snapshot', adminMetrics.snapshot],
  ['GET', '/v1/admin/metrics/stream', adminMetrics.stream],
  ['GET', '/v1/admin/metrics/history', adminMetrics.history],
  ['GET', '/v1/admin/sla', adminMetrics.sla],
  ['GET', '/v1/admin/jobs', adminJobs.list],
  ['GET', '/v1/admin/jobs/:name', adminJobs.get],
  ['POST', '/v1/admin/jobs/:name/run', adminJobs.run],
  ['GET', '/v1/admin/backups', adminJobs.backups],

  ['GET', '/v1/models', models.list],
  ['POST', '/v1/models/pull', hub.pull],
  ['GET', '/v1/models/pulls', hub.list], // before /v1/models/:id, which would take `pulls` for a model id
  ['GET', '/v1/models/pulls/:id', hub.get],
  ['POST', '/v1/models/pulls/:id/pause', hub.pause],
  ['POST', '/v1/models/pulls/:id/resume', hub.resume],
  ['DELETE', '/v1/models/pulls/:id', hub.cancel],
  ['GET', '/v1/models/:id', models.get],
  ['GET', '/v1/models/catalogs/:id', models.get],
  ['DELETE', '/v1/models/:id', models.remove],
  ['POST', '/v1/models/import', models.importModel],
  ['POST', '/v1/models/:id/load', models.load],
  ['POST', '/v1/models/:id/unload', models.unload],

  ['GET', '/v1/hub/models', hub.search],
  ['GET', '/v1/hub/recommended', hub.recommended],
  ['GET', '/v1/hub/models/:owner/:repo', hub.repo],

  ['POST', '/v1/chat/completions', chat.create],
  ['POST', '/v1/completions', completions.create],
  ['POST', '/v1/embeddings', embeddings.create],
  ['POST', '/v1/responses', responses.create],
  ['GET', '/v1/responses/:id', responses.get],
  ['DELETE', '/v1/responses/:id', responses.remove],
  ['GET', '/v1/responses/:id/input_items', responses.inputItems],
  ['POST', '/v1/messages', anthropicMessages.create],
  ['POST', '/v1/messages/count_tokens', anthropicMessages.countTokens],

  ['POST', '/v1/response/analyze-sentiment', analysis.sentiment],
  ['POST', '/v1/response/generate-summary', analysis.summary],
  ['POST', '/v1/response/analyze-content', analysis.content],

  ['GET', '/v1/conversations', conversations.list],
  ['POST', '/v1/conversations', conversations.create],
  ['GET', '/v1/conversations/:id', conversations.get],
  ['PATCH', '/v1/conversations/:id', conversations.update],
  ['POST', '/v1/conversations/:id', conversations.update],
  ['DELETE', '/v1/conversations/:id', conversations.remove],
  ['GET', '/v1/conversations/:id/items', items.list],
  ['POST', '/v1/conversations/:id/items', items.create],
  ['GET', '/v1/conversations/:id/items/:item_id', items.get],
  ['DELETE', '/v1/conversations/:id/items/:item_id', items.remove],

  ['GET', '/v1/projects', projects.list],
  ['POST', '/v1/projects', projects.create],
  ['GET', '/v1/projects/:id', projects.get],
  ['PATCH', '/v1/projects/:id', projects.update],
  ['DELETE', '/v1/projects/:id', projects.remove],

  ['GET', '/v1/export', exportRoutes.exportData],
  ['POST', '/v1/import', exportRoutes.importData],

  ['POST', '/v1/files', files.create],
  ['GET', '/v1/files', files.list],
  ['GET', '/v1/files/:id', files.get],
  ['GET', '/v1/files/:id/content', files.content],
  ['DELETE', '/v1/files/:id', files.remove],

  ['POST', '/v1/media/upload', media.upload],
  ['GET', '/v1/media/files', media.list],
  ['GET', '/v1/media/files/:id', media.get],
  ['GET', '/v1/media/files/:id/content', media.content],
  ['DELETE', '/v1/media/files/:id', media.remove],
  ['POST', '/v1/media/files/:id/extract-text', media.extractText],
  ['POST', '/v1/media/uploads', mediaTus.create],
  ['GET', '/v1/media/uploads/:id', mediaTus.resource], // for HEAD (the router answers HEAD with the GET route)
  ['PATCH', '/v1/media/uploads/:id', mediaTus.resource],
  ['DELETE', '/v1/media/uploads/:id', mediaTus.resource],
  ['GET', '/v1/media/signed/:id', media.signedDownload],
  ['PUT', '/v1/media/signed/:id', media.signedUpload],

  ['GET', '/api/version', ollama.version],
  ['GET', '/api/tags', ollama.list],
  ['GET', '/api/ps', ollama.running],
  ['POST', '/api/show', ollama.show],
  ['POST', '/api/chat', ollama.chat],
  ['POST', '/api/generate', ollama.generate],
  ['POST', '/api/embed', ollama.embed],
  ['POST', '/api/embeddings', ollama.embeddings],
  ['POST', '/api/pull', ollama.pull],
  ['DELETE', '/api/delete', ollama.remove],

  ['GET', '/media/healthz', health.healthz],
  ['POST', '/media/v1/media', mediaJan.ingest],
  ['POST', '/media/v1/media/prepare-upload', mediaJan.prepareUpload],
  ['POST', '/media/v1/media/resolve', mediaJan.resolve],
  ['GET', '/media/v1/media/:id', mediaJan.download],
  ['GET', '/media/v1/media/:id/presign', mediaJan.presign],
];
