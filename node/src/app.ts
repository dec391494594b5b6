// Builds the Fastify app (no listening here; server.ts listens): structured
// logs without secrets, body-size limit, per-IP rate limit, one central error
// handler (typed errors -> their 4xx with a JSON body; 5xx -> a generic
// message), then one plugin per resource.
import rateLimit from "@fastify/rate-limit";
import Fastify, { LogController, type FastifyError, type FastifyInstance } from "fastify";

import { isBaseError } from "./errors/base-error.js";
import { ValidationError } from "./errors/request.js";
import apiDeviceRoutes from "./routes/api-device/index.js";
import deviceRoutes from "./routes/device/index.js";
import healthRoutes from "./routes/health/index.js";
import metricsRoutes from "./routes/metrics/index.js";
import readingsRoutes from "./routes/readings/index.js";
import type { NodeServices } from "./services.js";

declare module "fastify" {
  interface FastifyInstance {
    node: NodeServices;
  }
}

/** Fastify's own 4xx codes, renamed to the node's stable codes. */
const FRAMEWORK_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "MALFORMED_JSON",
  FST_ERR_CTP_EMPTY_JSON_BODY: "MALFORMED_JSON",
  FST_ERR_CTP_BODY_TOO_LARGE: "BODY_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
};

export interface BuildAppOptions {
  bodyLimit: number;
  /** Requests per IP per minute; 0 disables. */
  ipPerMinute: number;
  logLevel: string;
}

export async function buildApp(services: NodeServices, options: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: options.bodyLimit,
    logger: {
      level: options.logLevel,
      redact: { paths: ["req.headers.authorization", "req.headers.cookie"], censor: "[redacted]" },
    },
    // Per-request lines only at debug/trace: at 10k readings/s they would dominate the log.
    logController: new LogController({ disableRequestLogging: options.logLevel !== "debug" && options.logLevel !== "trace" }),
  });
  app.decorate("node", services);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isBaseError(error)) {
      if (error.statusCode >= 500) request.log.error({ err: error.shortMessage, code: error.code }, "request failed");
      const body: Record<string, unknown> = {
        error: error.code,
        message: error.statusCode >= 500 ? "Internal error; see the node log." : error.shortMessage,
      };
      if (error.statusCode < 500 && error.details !== undefined) body.details = error.details;
      if (error instanceof ValidationError) body.issues = error.issues;
      if (error.statusCode === 503) body.message = error.shortMessage;
      return reply.status(error.statusCode).send(body);
    }
    const status = typeof error.statusCode === "number" && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error.message }, "unexpected error");
      return reply.status(500).send({ error: "INTERNAL", message: "Internal error; see the node log." });
    }
    return reply.status(status).send({ error: FRAMEWORK_CODES[error.code] ?? error.code ?? "BAD_REQUEST", message: error.message });
  });

  if (options.ipPerMinute > 0) {
    await app.register(rateLimit, {
      max: options.ipPerMinute,
      timeWindow: 60_000,
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        error: "IP_RATE_LIMITED",
        message: `More than ${context.max} requests per minute from this address; retry in ${context.after}.`,
      }),
    });
  }

  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: "NOT_FOUND", message: `No route ${request.method} ${request.url}.` });
  });

  await app.register(healthRoutes);
  await app.register(metricsRoutes);
  await app.register(deviceRoutes);
  await app.register(readingsRoutes);
  await app.register(apiDeviceRoutes);
  return app;
}
