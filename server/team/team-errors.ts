/** The team domain's errors, with stable codes the dashboard can branch on. */
import { AppError, forbidden } from '../errors/app-error.js';

export const conflict = (message: string, code: string) => new AppError(409, 'conflict_error', message, { code });

/** 410: the link existed but can no longer be used; the message says why and what to do. */
export const gone = (message: string, code: string) => new AppError(410, 'invalid_request_error', message, { code });

export const ownerOnly = (what: string) => forbidden(`Only the owner may ${what}.`, 'owner_only');

export const nameTaken = (name: string) =>
  conflict(`The name '${name}' is already used by another member (names are how members log in; they are compared ignoring case).`, 'name_taken');
