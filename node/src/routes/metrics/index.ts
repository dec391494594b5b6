// GET /metrics: the predecessor's JSON fields by default; Prometheus text
// when asked (?format=prometheus, or an Accept header of text/plain or
// application/openmetrics-text, as scrapers send).
import type { FastifyPluginAsync } from "fastify";

const metricsRoutes: FastifyPluginAsync = async (app) => {
  app.get("/metrics", async (request, reply) => {
    const format = (request.query as { format?: string }).format;
    const accept = request.headers.accept ?? "";
    const wantsProm = format === "prometheus" || (format !== "json" && /^(text\/plain|application\/openmetrics-text)/.test(accept));
    if (wantsProm) {
      const registry = app.node.prometheus.registry;
      return reply.header("content-type", registry.contentType).send(await registry.metrics());
    }
    return app.node.metrics();
  });
};

export default metricsRoutes;
