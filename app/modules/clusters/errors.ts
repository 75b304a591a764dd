/** A refused cluster action (split, merge, resume): nothing was written. Routes turn it into the one error shape. */
export class ClusterError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const clusterNotFound = (message: string) => new ClusterError(404, "not_found", message);
export const clusterForbidden = (message: string) => new ClusterError(403, "forbidden", message);
export const clusterConflict = (message: string) => new ClusterError(409, "conflict", message);
export const clusterInvalid = (message: string, field?: string) => new ClusterError(400, "invalid", message, field);
