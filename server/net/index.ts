/**
 * The outbound network floor: the one guarded fetcher every download goes through (media remote-URL ingest,
 * model import), its address policy and its error type. Nothing here knows the API, the store or a domain.
 */
export { addressAllowed, isPublicAddress, literalAddress, type AddressPolicy } from './address-policy.js';
export { FetchError, type FetchErrorCode, type FetchErrorReason } from './fetch-error.js';
export { systemResolver, type Resolver } from './guarded-lookup.js';
export { openUrl, type FetchedResponse, type FetchOptions } from './outbound-fetcher.js';
export { sendApiRequest, type ApiRequestOptions, type ApiResponse } from './outbound-request.js';
