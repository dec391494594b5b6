// Device signatures: Ed25519 over the domain-separated reading message,
// interoperable with @noble/curves (what a JS device could use).
import { expect } from "chai";

import { ed25519 } from "@noble/curves/ed25519.js";

import { InvalidPublicKeyError } from "../../../node/src/errors/device.js";
import {
  generateDeviceKeyPair,
  importDevicePublicKey,
  readingSigningMessage,
  signReading,
  verifyReadingSignature,
} from "../../../node/src/crypto/device-signature.js";

describe("crypto/device-signature", () => {
  const keys = generateDeviceKeyPair();
  const publicKey = importDevicePublicKey(keys.publicKey);
  const data = (s: string) => new TextEncoder().encode(s);

  it("verifies a reading signed by signReading", () => {
    const r = signReading({ deviceId: "EV_001", counter: 4, data: "v=1", privateKey: keys.privateKey });
    expect(r).to.include({ device_id: "EV_001", counter: 4, data: "v=1" });
    expect(verifyReadingSignature({ publicKey, deviceId: "EV_001", counter: 4, data: data("v=1"), signatureHex: r.signature })).to.equal(true);
  });

  it("refuses another device id, counter, data, key or a malformed signature", () => {
    const r = signReading({ deviceId: "EV_001", counter: 4, data: "v=1", privateKey: keys.privateKey });
    const check = (deviceId: string, counter: number, d: string, signatureHex = r.signature, key = publicKey) =>
      verifyReadingSignature({ publicKey: key, deviceId, counter, data: data(d), signatureHex });
    expect(check("EV_002", 4, "v=1")).to.equal(false);
    expect(check("EV_001", 5, "v=1")).to.equal(false);
    expect(check("EV_001", 4, "v=2")).to.equal(false);
    expect(check("EV_001", 4, "v=1", "00".repeat(64))).to.equal(false);
    expect(check("EV_001", 4, "v=1", "xyz")).to.equal(false);
    expect(check("EV_001", 4, "v=1", r.signature, importDevicePublicKey(generateDeviceKeyPair().publicKey))).to.equal(false);
  });

  it("signs base64 data over the decoded bytes", () => {
    const bytes = Buffer.from([0, 1, 2, 250]);
    const r = signReading({ deviceId: "GH_1", counter: 1, data: bytes.toString("base64"), encoding: "base64", privateKey: keys.privateKey });
    expect(r.encoding).to.equal("base64");
    expect(verifyReadingSignature({ publicKey, deviceId: "GH_1", counter: 1, data: bytes, signatureHex: r.signature })).to.equal(true);
  });

  it("interoperates with @noble/curves ed25519 both ways", () => {
    const msg = readingSigningMessage("POS_9", 12, data("sale=3.50"));
    const r = signReading({ deviceId: "POS_9", counter: 12, data: "sale=3.50", privateKey: keys.privateKey });
    expect(ed25519.verify(Buffer.from(r.signature, "hex"), msg, Buffer.from(keys.publicKey, "hex"))).to.equal(true);
    const seed = ed25519.utils.randomSecretKey();
    const nobleSig = ed25519.sign(msg, seed);
    const noblePub = Buffer.from(ed25519.getPublicKey(seed)).toString("hex");
    expect(verifyReadingSignature({ publicKey: importDevicePublicKey(noblePub), deviceId: "POS_9", counter: 12, data: data("sale=3.50"), signatureHex: Buffer.from(nobleSig).toString("hex") })).to.equal(true);
  });

  it("refuses malformed public keys", () => {
    expect(() => importDevicePublicKey("abcd")).to.throw(InvalidPublicKeyError);
    expect(() => importDevicePublicKey("zz".repeat(32))).to.throw(InvalidPublicKeyError);
  });
});
