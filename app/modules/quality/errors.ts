/** A quality or care request refused: the status, a code, and the form field it concerns. Nothing was written. */
export class QualityError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
