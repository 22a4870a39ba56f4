// Typed domain errors; the API maps each to one HTTP status in one place (api/errors.ts).

export interface ErrorDetail {
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly code: string;
  readonly details: ErrorDetail[];
  constructor(message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export class ValidationFailed extends DomainError {
  readonly code = "validation_failed";
}
export class Unauthenticated extends DomainError {
  readonly code = "unauthenticated";
}
export class Forbidden extends DomainError {
  readonly code = "forbidden";
}
export class NotFound extends DomainError {
  readonly code = "not_found";
}
export class Conflict extends DomainError {
  readonly code = "conflict";
}
export class PayloadTooLarge extends DomainError {
  readonly code = "payload_too_large";
}
export class RateLimited extends DomainError {
  readonly code = "rate_limited";
}
