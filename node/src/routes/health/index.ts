// GET /health: {"status":"ok"} as the predecessor, plus database and chain
// checks; "degraded" when either does not answer: still 200 when only the
// chain is down (ingest works), 503 when the database is (readings refused). GET /status: the predecessor's status route, same body.
import type { FastifyPluginAsync } from "fastify";

const healthRoutes: FastifyPluginAsync = async (app) => {
  const handler = async (_request: unknown, reply: { status(code: number): { send(body: unknown): unknown } }) => {
    const report = await app.node.health();
    return reply.status(report.database.ok ? 200 : 503).send(report);
  };
  app.get("/health", handler);
  app.get("/status", handler);
};

export default healthRoutes;
