/** A refused webhook request (registration, rotation, deletion): nothing was written. Routes turn it into the one error shape. */
export class WebhookError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const endpointNotFound = () => new WebhookError(404, "not_found", "This platform has no webhook endpoint with that id.");
export const refusedUrl = (message: string) => new WebhookError(400, "invalid_url", message, "url");
export const tooManyEndpoints = (limit: number) =>
  new WebhookError(409, "too_many_endpoints", `A platform may have at most ${limit} webhook endpoints; delete one before registering another.`);
