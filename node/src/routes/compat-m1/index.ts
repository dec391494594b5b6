// The predecessor's (M1) unsigned API, only with --compat m1. It shares the
// paths of the native API, so routes/device dispatches here when a request
// has the M1 shape (register without an operator token; data with a
// timestamp and no counter/signature). The M1 client parses every answer as
// JSON before its status, retries non-2xx at once, and counts an on-chain
// commitment only when the answer's text contains "tx 0x…" (so that text
// appears only once the commitment really landed).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

import { m1DataBody, m1RegisterBody } from "../../devices/m1/m1-reading.js";
import { parseWith } from "../../schemas/parse.js";

export async function m1Register(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const body = parseWith(m1RegisterBody, request.body);
  const { device, created } = await app.node.formats.registerM1(body);
  return reply.status(created ? 201 : 200).send({
    success: true,
    status: created ? "registered" : "already_registered",
    device_id: device.device_id,
    authenticated: false,
    message: created ? `Device ${device.device_id} registered` : `Device ${device.device_id} was already registered`,
  });
}

export async function m1Data(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const body = parseWith(m1DataBody, request.body);
  const result = await app.node.formats.submitM1(body);
  const commitment = await app.node.formats.waitForCommitment(result.reading_id);
  const committed = commitment.status === "committed" && commitment.tx_hash !== null;
  return reply.status(result.replayed ? 200 : 201).send({
    success: true,
    reading_id: result.reading_id,
    proof_hash: result.proof_hash,
    authenticated: false,
    replayed: result.replayed,
    status: commitment.status,
    tx_hash: commitment.tx_hash,
    block_number: commitment.block_number,
    // The M1 client takes the word after "tx " as the hash: keep a space after it.
    message: committed ? `Data submitted; tx ${commitment.tx_hash} (block ${commitment.block_number})` : `Data accepted; on-chain commitment pending (GET /readings/${result.reading_id})`,
  });
}
