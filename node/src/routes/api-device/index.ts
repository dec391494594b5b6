// The lcore-sdk device API, as its Python/TypeScript/C clients call it:
//   GET  /healthcheck                                        -> 200 (503 when the database does not answer, as /health)
//   POST /api/device/submit {did, payload, signature, timestamp} -> 201 {success, data: {txHash, blockNumber, ...}}
//   POST /api/device/register {did, public_key?, alg?, owner_address?} (operator token) -> 201
//   with --gateways: POST /api/gateway/register (same body, operator token) -> 201,
//   POST /api/gateway/submit {did, signature: JWS over {timestamp, readings: [string]}} -> 202 {accepted, reading_ids}
// The SDK counts only a 201 as success and reads data.txHash, data.blockNumber
// and `error`; the tx hash is there when the commitment lands within
// deviceAnswerWaitMs (null otherwise: GET /readings/:id has it later).
import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";

import { gatewaySubmissionBody } from "../../devices/gateway/gateway-batch.js";
import { jwsSubmissionBody } from "../../devices/jws/jws-submission.js";
import { UnauthorizedError } from "../../errors/request.js";
import { parseWith } from "../../schemas/parse.js";

const registerDidBody = z.strictObject({
  did: z.string().min(1).max(128),
  public_key: z.string().max(300).optional(),
  alg: z.enum(["ES256K", "ES256", "EdDSA"]).optional(),
  owner_address: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address").optional(),
});

const apiDeviceRoutes: FastifyPluginAsync = async (app) => {
  app.get("/healthcheck", async (_request, reply) => {
    const report = await app.node.health();
    return reply.status(report.database.ok ? 200 : 503).send(report);
  });

  app.post("/api/device/register", async (request, reply) => {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (!app.node.isOperator(token)) throw new UnauthorizedError();
    const body = parseWith(registerDidBody, request.body);
    const device = await app.node.formats.registerDid(body);
    return reply.status(201).send({ success: true, data: { ...device, registered_at: new Date(device.registered_at).toISOString() } });
  });

  app.post("/api/gateway/register", async (request, reply) => {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    if (!app.node.isOperator(token)) throw new UnauthorizedError();
    const body = parseWith(registerDidBody, request.body);
    const gateway = await app.node.formats.registerGateway(body);
    return reply.status(201).send({ success: true, data: { ...gateway, registered_at: new Date(gateway.registered_at).toISOString() } });
  });

  app.post("/api/gateway/submit", async (request, reply) => {
    const body = parseWith(gatewaySubmissionBody, request.body);
    const results = await app.node.formats.submitGatewayBatch(body);
    return reply.status(202).send({
      accepted: results.length,
      device_id: results[0]!.device_id,
      first_reading_id: results[0]!.reading_id,
      last_reading_id: results.at(-1)!.reading_id,
      proof_hashes: results.map((r) => r.proof_hash),
    });
  });

  app.post("/api/device/submit", async (request, reply) => {
    const body = parseWith(jwsSubmissionBody, request.body);
    const result = await app.node.formats.submitJws(body);
    const commitment = await app.node.formats.waitForCommitment(result.reading_id);
    return reply.status(201).send({
      success: true,
      data: {
        txHash: commitment.tx_hash,
        blockNumber: commitment.block_number,
        status: commitment.status,
        readingId: result.reading_id,
        proofHash: result.proof_hash,
        deviceId: result.device_id,
        did: result.did,
      },
    });
  });
};

export default apiDeviceRoutes;
