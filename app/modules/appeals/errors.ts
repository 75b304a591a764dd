/** A refusal of an appeal action: nothing was written. Routes turn it into the one error shape. */
export class AppealError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 422,
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}
