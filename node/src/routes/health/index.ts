// GET /health: {"status":"ok"} as the predecessor, plus database and chain
// checks; "degraded" (still 200: ingest works) when the chain is down, 503
// when the database is. GET /status: the predecessor's status route, same body.
import type { FastifyPluginAsync } from "fastify";

const healthRoutes: FastifyPluginAsync = async (app) => {
  const handler = async (_request: unknown, reply: { status(code: number): { send(body: unknown): unknown } }) => {
    const report = await app.node.health();
    return reply.status(report.status === "down" ? 503 : 200).send(report);
  };
  app.get("/health", handler);
  app.get("/status", handler);
};

export default healthRoutes;
