import { z } from "zod";

// The one shape of every refusal, as a schema: the error helpers are typed from it and the OpenAPI
// document describes every 4xx with it, so the two cannot part.

export const ApiIssue = z.object({
  path: z.string().describe("The offending field as a dotted path (empty when the refusal concerns the whole request)."),
  message: z.string().describe("What is wrong with that field."),
});

export const ApiError = z.object({
  code: z.string().describe("A stable machine-readable code, e.g. invalid_request, unauthorized, missing_scope, not_found, rate_limited."),
  message: z.string().describe("A sentence a person can act on."),
  issues: z.array(ApiIssue).describe("The offending fields; often none."),
});

export const ErrorBody = z.object({ error: ApiError });
