// Docket's HTTP server: the Remix app behind a thin Express layer that applies the request policy
// (security headers, origin check, body limits) defined in app/modules/http/policy.server.ts.
import { randomBytes } from "node:crypto";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import * as build from "./build/index.js";

const { bootstrap, requestPolicy, securityHeaders, serverConfig } = build.entry.module;
const config = serverConfig();

await bootstrap();

const app = express();
app.disable("x-powered-by");
app.set("trust proxy", config.trustProxy);

app.use((req, res, next) => {
  res.locals.cspNonce = randomBytes(16).toString("base64");
  for (const [name, value] of Object.entries(securityHeaders(res.locals.cspNonce))) res.setHeader(name, value);
  next();
});
app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h", index: false }));
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
app.all(
  "*",
  createRequestHandler({
    build,
    mode: config.mode,
    getLoadContext: (req, res) => ({ cspNonce: res.locals.cspNonce, clientAddress: req.ip ?? "unknown" }),
  }),
);

const server = app.listen(config.port, config.host, () => {
  console.log(`Docket is listening on http://${config.host}:${config.port}`);
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
