// Errors of key handling and of the encrypted envelope.
import { BaseError } from "./base-error.js";

export class EnvelopeFormatError extends BaseError {
  override name = "EnvelopeFormatError";
  override readonly code = "ENVELOPE_FORMAT";
  override readonly statusCode = 400;
  constructor({ reason }: { reason: string }) {
    super("The encrypted envelope is malformed.", { metaMessages: [`Reason: ${reason}`] });
  }
}

export class UnknownKeyIdError extends BaseError {
  override name = "UnknownKeyIdError";
  override readonly code = "UNKNOWN_KEY_ID";
  override readonly statusCode = 422;
  constructor({ keyId }: { keyId: string }) {
    super(`No master secret with key id ${keyId} is loaded.`, {
      details: "Add the retired master secret to the keyring (previousMasterSecrets) to read data written under it.",
    });
  }
}

export class DecryptionError extends BaseError {
  override name = "DecryptionError";
  override readonly code = "DECRYPTION_FAILED";
  override readonly statusCode = 422;
  constructor({ layer, cause }: { layer: 1 | 2; cause?: unknown }) {
    super(`Decryption failed at layer ${layer}: the ciphertext was tampered with, or the key or AAD is wrong.`, {
      cause,
      details: "The stored envelope does not authenticate; check the keyring and the device id / counter it was written under.",
    });
  }
}

export class MasterSecretError extends BaseError {
  override name = "MasterSecretError";
  override readonly code = "MASTER_SECRET";
  constructor({ reason }: { reason: string }) {
    super("The master secret is unusable.", {
      metaMessages: [`Reason: ${reason}`],
      details: "Set LCORE_NODE_MASTER_SECRET to at least 32 random bytes as hex, or leave it unset for a generated local file.",
    });
  }
}
