// /device/*: the predecessor's request shapes, extended with signatures.
//   POST /device/register {device_id, public_key, owner_address?}  (operator token) -> 201
//   POST /device/data {device_id, data, counter, signature, encoding?}            -> 202 {reading_id, proof_hash}
//   POST /device/data/batch {readings: [...]}  (a gateway's upload)               -> 207-style 200 with one outcome each
// With --compat m1, M1-shaped requests on the first two go to routes/compat-m1.
import type { FastifyPluginAsync } from "fastify";

import { isBaseError } from "../../errors/base-error.js";
import { UnauthorizedError } from "../../errors/request.js";
import { deviceDataBatchBody, deviceDataBody, registerDeviceBody } from "../../schemas/device.js";
import { parseWith } from "../../schemas/parse.js";
import { isM1DataBody } from "../../devices/m1/m1-reading.js";
import { m1Data, m1Register } from "../compat-m1/index.js";

const deviceRoutes: FastifyPluginAsync = async (app) => {
  const compatM1 = app.node.formats.options.compat === "m1";

  app.post("/device/register", async (request, reply) => {
    if (compatM1 && request.headers.authorization === undefined) return await m1Register(app, request, reply);
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (!app.node.isOperator(token)) throw new UnauthorizedError();
    const body = parseWith(registerDeviceBody, request.body);
    const device = await app.node.registerDevice(body);
    return reply.status(201).send({ status: "registered", ...device, registered_at: new Date(device.registered_at).toISOString() });
  });

  app.post("/device/data", async (request, reply) => {
    if (compatM1 && isM1DataBody(request.body)) return await m1Data(app, request, reply);
    const body = parseWith(deviceDataBody, request.body);
    const result = await app.node.ingest(body);
    return reply.status(202).send(result);
  });

  app.post("/device/data/batch", async (request, reply) => {
    const body = parseWith(deviceDataBatchBody, request.body);
    const outcomes = await app.node.ingestBatch(body.readings);
    const results = outcomes.map((o) =>
      o.ok
        ? { ok: true, ...o.result }
        : isBaseError(o.error)
          ? { ok: false, status: o.error.statusCode, error: o.error.code, message: o.error.statusCode >= 500 ? "Internal error" : o.error.shortMessage }
          : { ok: false, status: 500, error: "INTERNAL", message: "Internal error" },
    );
    const accepted = results.filter((r) => r.ok).length;
    return reply.status(accepted === 0 ? 400 : 202).send({ accepted, refused: results.length - accepted, results });
  });
};

export default deviceRoutes;
