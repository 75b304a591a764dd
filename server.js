// Docket's HTTP server: the Remix app behind a thin Express layer that applies the request policy
// (security headers, origin check, body limits) defined in app/modules/http/policy.server.ts.
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import * as build from "./build/index.js";

const { bootstrap, partitionResourceRoutes, requestPolicy, securityHeaders, serverConfig, stopDispatcher, stopReportRefresher } = build.entry.module;
const config = serverConfig();

await bootstrap();

const app = express();
app.disable("x-powered-by");
app.set("trust proxy", config.trustProxy);

// For the request-floor benchmark only: a route that answers from memory ahead of every other layer,
// the yardstick a real route's overhead is measured against. Off unless the benchmark turns it on.
if (process.env.DOCKET_BENCH_BARE_ROUTE === "1") {
  app.get("/__bare", (req, res) => res.type("text/plain").send("ok"));
}

app.use((req, res, next) => {
  res.locals.cspNonce = randomBytes(16).toString("base64");
  for (const [name, value] of Object.entries(securityHeaders(res.locals.cspNonce))) res.setHeader(name, value);
  next();
});
app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
// public/ is fixed when the app is built, so its top-level names are read once: a request for
// anything else goes on to the routes without asking the file system about it first.
const publicNames = new Set(readdirSync("public"));
const servePublic = express.static("public", { maxAge: "1h", index: false });
app.use((req, res, next) => (publicNames.has(firstSegment(req.path)) ? servePublic(req, res, next) : next()));
app.use((req, res, next) => {
  const refusal = requestPolicy({
    method: req.method,
    path: req.originalUrl,
    origin: req.get("origin") ?? null,
    referer: req.get("referer") ?? null,
    host: req.get("host") ?? "",
    protocol: req.protocol,
    contentLength: req.get("content-length") ?? null,
    transferEncoding: req.get("transfer-encoding") ?? null,
  });
  if (refusal) {
    res.status(refusal.status).json(refusal.body);
    return;
  }
  next();
});
const remixHandler = (routes) =>
  createRequestHandler({
    build: { ...build, routes },
    mode: config.mode,
    getLoadContext: (req, res) => ({ cspNonce: res.locals.cspNonce, clientAddress: req.ip ?? "unknown" }),
  });
// Requests under a segment served only by resource routes (the API, the health check) are matched
// against those routes alone; see app/modules/http/resource-routes.server.ts.
const partition = partitionResourceRoutes(build.routes);
const bySegment = new Map([...partition.segments].map(([segment, routes]) => [segment, remixHandler(routes)]));
const everyRoute = remixHandler(build.routes);
// Not app.all("*"): Express decodes that route's wildcard and answers a malformed percent-encoding
// with its own HTML 400 before any route could refuse it in the error shape.
app.use((req, res, next) => {
  const segment = partition.segmentFor(req.originalUrl);
  return (segment === null ? everyRoute : bySegment.get(segment))(req, res, next);
});

const server = app.listen(config.port, config.host, () => {
  console.log(`Docket is listening on http://${config.host}:${config.port}`);
});
// Node closes an idle keep-alive connection after 5 s; a client or proxy that sends on it at that
// moment gets "other side closed" instead of an answer. Idle connections stay open longer than the
// usual proxy idle timeout (60 s), so it is always the client that closes them.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
// On a stop, webhook attempts under way are let finish and recorded (no new ones start), so none is
// sent again for want of its result.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    Promise.all([stopDispatcher(), stopReportRefresher(), new Promise((resolve) => server.close(resolve))]).finally(() => process.exit(0));
  });
}

function firstSegment(path) {
  const raw = path.split("/")[1] ?? "";
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
