// GET /readings/:id: status, tx, block, gas, batch + Merkle proof;
// ?decrypt=true with the operator token adds the decrypted data.
import type { FastifyPluginAsync } from "fastify";

import { UnauthorizedError } from "../../errors/request.js";
import { parseWith } from "../../schemas/parse.js";
import { readingParams, readingQuery } from "../../schemas/readings.js";

const readingsRoutes: FastifyPluginAsync = async (app) => {
  app.get("/readings/:id", async (request) => {
    const { id } = parseWith(readingParams, request.params);
    const query = parseWith(readingQuery, request.query);
    const decrypt = query.decrypt === "true" || query.decrypt === "1";
    if (decrypt) {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
      if (!app.node.isOperator(token)) throw new UnauthorizedError();
    }
    return app.node.getReading(id, { decrypt });
  });
};

export default readingsRoutes;
