// Public API of the embedded node. Import submodules only through here.
export { createNode, type LcoreNode } from "./create-node.js";
export { resolveNodeConfig, loadConfigFromEnv, nodeConfigSchema, type NodeConfig, type NodeUserConfig } from "./config.js";
export { buildApp } from "./app.js";
export { createChainClients, type ChainClients, type CreateChainClientsParameters } from "./chain/clients.js";
export { toChainDeviceId, fromChainDeviceId } from "./chain/device-id.js";
export {
  signReading,
  generateDeviceKeyPair,
  readingSigningMessage,
  verifyReadingSignature,
  type SignedReading,
  type DeviceKeyPair,
} from "./crypto/device-signature.js";
export { sealEnvelope, openEnvelope, readEnvelopeHeader, ENVELOPE_VERSION, type CryptoEngine } from "./crypto/envelope.js";
export { Keyring, deriveDataKeys } from "./crypto/keyring.js";
export { proofHashOf } from "./crypto/proof-hash.js";
export type { RegisterDeviceParameters, RegisteredDevice } from "./devices/device-registry.js";
export { DeviceFormats, type RegisterDidParameters } from "./devices/device-formats.js";
export { parseDeviceDid, didKeyOf, type JwsAlg, type ParsedDid } from "./devices/did/device-did.js";
export type { JwsSubmission } from "./devices/jws/jws-submission.js";
export type { GatewaySubmission } from "./devices/gateway/gateway-batch.js";
export type { IngestResult } from "./ingest/ingest-service.js";
export type { ReadingView } from "./ingest/reading-view.js";
export type { MetricsSnapshot } from "./metrics/node-metrics.js";
export type { HealthReport } from "./services.js";
export { OutboxCommitter, type CommitterOptions } from "./outbox/committer.js";
export { verifyReadings, type VerifyReport, type Mismatch } from "./verifier/verify-readings.js";
export { buildMerkleTree, getMerkleProof, verifyMerkleProof, hashLeaf, hashNode } from "./merkle/merkle-tree.js";
export { BaseError, isBaseError } from "./errors/base-error.js";
