// The bad-input table of the new routes (/api/device/submit, /api/device/register,
// the M1 compat shapes of /device/register and /device/data): each answers a
// clear 4xx JSON error, stores nothing (readings, devices, identities, reading
// sources and outbox rows unchanged) and leaves the server up.
import { randomBytes } from "node:crypto";

import { ed25519 } from "@noble/curves/ed25519.js";
import { p256 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { base58 } from "@scure/base";
import { expect } from "chai";

import { didKeyOf } from "../../../node/src/devices/did/device-did.js";
import { generateDeviceKeyPair, signReading } from "../../../node/src/index.js";
import { eddsaDevice, es256kDevice, type JwsDevice } from "../devices/jws-clients.js";
import { startTestNode, TEST_TOKEN, type NodeFixture } from "../helpers/node-fixture.js";
import { sqlValue } from "../helpers/store-sql.js";

const b64u = (v: string | Uint8Array) => Buffer.from(v).toString("base64url");

/** 33 bytes (0x02 || x) whose x has no point on the curve. */
function offCurveCompressed(curve: typeof secp256k1 | typeof p256): Uint8Array {
  for (;;) {
    const candidate = Uint8Array.from([2, ...randomBytes(32)]);
    try {
      curve.Point.fromBytes(candidate);
    } catch {
      return candidate;
    }
  }
}

/** 32 bytes that do not decode to an Ed25519 point. */
function offCurveEd25519(): Uint8Array {
  for (;;) {
    const candidate = Uint8Array.from(randomBytes(32));
    try {
      ed25519.Point.fromBytes(candidate);
    } catch {
      return candidate;
    }
  }
}

describe("node API: bad inputs of the JWS and M1 routes", () => {
  let f: NodeFixture;
  let device: JwsDevice;
  const other = eddsaDevice();
  const native = generateDeviceKeyPair();
  const auth = { authorization: `Bearer ${TEST_TOKEN}` };
  const now = () => Math.floor(Date.now() / 1000);
  let accepted: { did: string; payload: unknown; signature: string; timestamp: number };
  let signed: string;
  const payload = { t: 21.5 };

  before(async () => {
    f = await startTestNode({ compat: "m1", enroll: "operator", deviceAnswerWaitMs: 0, http: { bodyLimit: 4096, ipPerMinute: 0 }, maxDataBytes: 512 });
    device = es256kDevice();
    await f.node.registerDevice({ device_id: "NAT_1", public_key: native.publicKey });
    const reg = await f.node.app.inject({ method: "POST", url: "/api/device/register", headers: auth, payload: { did: device.did } });
    expect(reg.statusCode, reg.body).to.equal(201);
    const m1 = await f.node.app.inject({ method: "POST", url: "/device/register", payload: { device_id: "M1_DEV" } });
    expect(m1.statusCode, m1.body).to.equal(201);
    signed = await device.sign(payload);
    accepted = { did: device.did, payload, signature: signed, timestamp: now() };
    const first = await f.node.app.inject({ method: "POST", url: "/api/device/submit", payload: accepted });
    expect(first.statusCode, first.body).to.equal(201);
  });
  after(async () => f.close());

  const counts = async () => {
    const one = async (sql: string) => Number(await sqlValue(f.node.store, sql));
    return {
      readings: await one("SELECT COUNT(*) FROM readings"),
      devices: await one("SELECT COUNT(*) FROM devices"),
      identities: await one("SELECT COUNT(*) FROM device_identities"),
      sources: await one("SELECT COUNT(*) FROM reading_sources"),
      outbox: await one("SELECT COUNT(*) FROM outbox"),
    };
  };
  const parts = () => signed.split(".") as [string, string, string];
  const submit = (over: Record<string, unknown>) => ({ did: device.did, payload, signature: signed, timestamp: now(), ...over });
  const bigPayload = { blob: "x".repeat(600) };

  const table: { why: string; url?: string; headers?: Record<string, string>; body: () => unknown | Promise<unknown>; status: number; code: string }[] = [
    { why: "a JWS with two segments", body: () => submit({ signature: parts().slice(0, 2).join(".") }), status: 400, code: "MALFORMED_JWS" },
    { why: "a JWS segment that is not base64url", body: () => submit({ signature: `${parts()[0]}.${parts()[1]}!.${parts()[2]}` }), status: 400, code: "MALFORMED_JWS" },
    { why: "a JWS header that is not JSON", body: () => submit({ signature: `${b64u("not json")}.${parts()[1]}.${parts()[2]}` }), status: 400, code: "MALFORMED_JWS" },
    { why: "alg none, unsigned", body: () => submit({ signature: `${b64u('{"alg":"none"}')}.${parts()[1]}.` }), status: 400, code: "MALFORMED_JWS" },
    { why: "alg none with a signature", body: () => submit({ signature: `${b64u('{"alg":"none"}')}.${parts()[1]}.${parts()[2]}` }), status: 400, code: "UNSUPPORTED_ALG" },
    { why: "the wrong alg for the device key", body: () => submit({ signature: `${b64u('{"alg":"ES256","typ":"JWS"}')}.${parts()[1]}.${parts()[2]}` }), status: 400, code: "UNSUPPORTED_ALG" },
    { why: "a critical header", body: () => submit({ signature: `${b64u('{"alg":"ES256K","crit":["exp"],"exp":1}')}.${parts()[1]}.${parts()[2]}` }), status: 400, code: "MALFORMED_JWS" },
    { why: "a signature by another key", body: async () => submit({ signature: `${parts()[0]}.${parts()[1]}.${(await es256kDevice().sign(payload)).split(".")[2]}` }), status: 401, code: "BAD_SIGNATURE" },
    { why: "a signature over another payload", body: () => submit({ signature: `${parts()[0]}.${b64u('{"t":99}')}.${parts()[2]}`, payload: { t: 99 } }), status: 401, code: "BAD_SIGNATURE" },
    { why: "a truncated signature", body: () => submit({ signature: `${parts()[0]}.${parts()[1]}.${parts()[2].slice(0, 40)}` }), status: 401, code: "BAD_SIGNATURE" },
    { why: "a body payload the JWS does not sign", body: () => submit({ payload: { t: 22 } }), status: 400, code: "PAYLOAD_MISMATCH" },
    { why: "an unknown DID (enrolment by the operator)", body: async () => ({ did: other.did, payload, signature: await other.sign(payload), timestamp: now() }), status: 404, code: "UNKNOWN_DEVICE" },
    { why: "an unknown did:lcore", body: () => submit({ did: `did:lcore:${"ab".repeat(16)}` }), status: 404, code: "UNKNOWN_DEVICE" },
    { why: "a did:key with an unsupported multicodec", body: () => submit({ did: `did:key:z${base58.encode(Uint8Array.from([0x85, 0x24, ...randomBytes(33)]))}` }), status: 400, code: "INVALID_DID" },
    { why: "a did:key that is not base58btc", body: () => submit({ did: "did:key:z0OIl" }), status: 400, code: "INVALID_DID" },
    { why: "a did:key with a truncated key", body: () => submit({ did: `did:key:z${base58.encode(Uint8Array.from([0xe7, 0x01, 2, 1, 2, 3]))}` }), status: 400, code: "INVALID_DID" },
    { why: "a did:key in another multibase", body: () => submit({ did: "did:key:mAQID" }), status: 400, code: "INVALID_DID" },
    { why: "not a DID", body: () => submit({ did: "EV_001" }), status: 400, code: "INVALID_DID" },
    { why: "a stale timestamp", body: () => submit({ timestamp: now() - 3_600 }), status: 400, code: "STALE_TIMESTAMP" },
    { why: "a future timestamp", body: () => submit({ timestamp: now() + 3_600 }), status: 400, code: "STALE_TIMESTAMP" },
    { why: "a replayed signed payload", body: () => submit({}), status: 409, code: "REPLAYED_PAYLOAD" },
    { why: "a replayed payload with a new timestamp", body: () => submit({ timestamp: now() - 5 }), status: 409, code: "REPLAYED_PAYLOAD" },
    { why: "a payload over the reading size limit", body: async () => submit({ payload: bigPayload, signature: await device.sign(bigPayload) }), status: 400, code: "VALIDATION_FAILED" },
    { why: "a body over the body limit", body: async () => submit({ payload: { blob: "y".repeat(5000) }, signature: "a.b.c" }), status: 413, code: "BODY_TOO_LARGE" },
    { why: "a missing signature", body: () => ({ did: device.did, payload, timestamp: now() }), status: 400, code: "VALIDATION_FAILED" },
    { why: "a timestamp of the wrong type", body: () => submit({ timestamp: String(now()) }), status: 400, code: "VALIDATION_FAILED" },
    { why: "an unknown field", body: () => submit({ extra: 1 }), status: 400, code: "VALIDATION_FAILED" },
    // operator registration by DID
    { why: "DID registration without the operator token", url: "/api/device/register", headers: {}, body: () => ({ did: other.did }), status: 401, code: "UNAUTHORIZED" },
    { why: "a did:key whose key is not a secp256k1 point", url: "/api/device/register", headers: auth, body: () => ({ did: didKeyOf("ES256K", offCurveCompressed(secp256k1)) }), status: 400, code: "INVALID_PUBLIC_KEY" },
    { why: "a did:key whose key is not a P-256 point", url: "/api/device/register", headers: auth, body: () => ({ did: didKeyOf("ES256", offCurveCompressed(p256)) }), status: 400, code: "INVALID_PUBLIC_KEY" },
    { why: "a did:key whose key is not an Ed25519 point", url: "/api/device/register", headers: auth, body: () => ({ did: didKeyOf("EdDSA", offCurveEd25519()) }), status: 400, code: "INVALID_PUBLIC_KEY" },
    { why: "a did:lcore with a key that is not a P-256 point", url: "/api/device/register", headers: auth, body: () => ({ did: `did:lcore:${"cd".repeat(16)}`, public_key: Buffer.from(offCurveCompressed(p256)).toString("hex") }), status: 400, code: "INVALID_PUBLIC_KEY" },
    { why: "a did:lcore without its public key", url: "/api/device/register", headers: auth, body: () => ({ did: `did:lcore:${"cd".repeat(16)}` }), status: 400, code: "VALIDATION_FAILED" },
    { why: "a did:key with a public_key that differs", url: "/api/device/register", headers: auth, body: () => ({ did: other.did, public_key: eddsaDevice().publicKeyHex }), status: 400, code: "VALIDATION_FAILED" },
    { why: "a DID registered twice", url: "/api/device/register", headers: auth, body: () => ({ did: device.did }), status: 409, code: "DEVICE_EXISTS" },
    // native registration: the key must be a point too
    { why: "a native Ed25519 key that is not a point", url: "/device/register", headers: auth, body: () => ({ device_id: "EV_BAD", public_key: Buffer.from(offCurveEd25519()).toString("hex") }), status: 400, code: "INVALID_PUBLIC_KEY" },
    // M1 compat shapes
    { why: "M1 data from an unregistered device", url: "/device/data", body: () => ({ device_id: "M1_NOPE", data: "{}", timestamp: now() }), status: 404, code: "UNKNOWN_DEVICE" },
    { why: "M1 data for a device that signs (native)", url: "/device/data", body: () => ({ device_id: "NAT_1", data: "{}", timestamp: now() }), status: 409, code: "WRONG_DEVICE_FORMAT" },
    { why: "M1 registration of a signing device's id", url: "/device/register", body: () => ({ device_id: "NAT_1" }), status: 409, code: "WRONG_DEVICE_FORMAT" },
    { why: "M1 data of the wrong type", url: "/device/data", body: () => ({ device_id: "M1_DEV", data: 5, timestamp: now() }), status: 400, code: "VALIDATION_FAILED" },
    { why: "M1 data over the reading size limit", url: "/device/data", body: () => ({ device_id: "M1_DEV", data: "z".repeat(600), timestamp: now() }), status: 400, code: "VALIDATION_FAILED" },
    { why: "M1 registration with a bad device id", url: "/device/register", body: () => ({ device_id: "bad id;" }), status: 400, code: "VALIDATION_FAILED" },
    { why: "a native reading for an M1 device", url: "/device/data", body: () => signReading({ deviceId: "M1_DEV", counter: 1, data: "x", privateKey: native.privateKey }), status: 409, code: "WRONG_DEVICE_FORMAT" },
  ];

  for (const row of table) {
    it(`answers ${row.status} ${row.code} to ${row.why}, storing nothing`, async () => {
      const before = await counts();
      const body = await row.body();
      const res = await f.node.app.inject({
        method: "POST",
        url: row.url ?? "/api/device/submit",
        headers: { "content-type": "application/json", ...row.headers },
        payload: JSON.stringify(body),
      });
      expect(res.statusCode, res.body).to.equal(row.status);
      const json = res.json() as { error: string; message: string };
      expect(json.error).to.equal(row.code);
      expect(json.message).to.be.a("string").and.not.equal("");
      expect(await counts()).to.deep.equal(before);
      expect((await f.node.app.inject({ method: "GET", url: "/healthcheck" })).statusCode).to.equal(200);
    });
  }

  it("open enrolment is off by default and the M1 shapes are not served without --compat m1", async () => {
    const plain = await startTestNode({});
    try {
      const submitted = await plain.node.app.inject({ method: "POST", url: "/api/device/submit", payload: { did: other.did, payload, signature: await other.sign(payload), timestamp: now() } });
      expect(submitted.statusCode).to.equal(404);
      const reg = await plain.node.app.inject({ method: "POST", url: "/device/register", payload: { device_id: "demo_001" } });
      expect(reg.statusCode).to.equal(401);
      const data = await plain.node.app.inject({ method: "POST", url: "/device/data", payload: { device_id: "demo_001", data: "{}", timestamp: now() } });
      expect(data.statusCode).to.equal(400);
      expect(Number(await sqlValue(plain.node.store, "SELECT COUNT(*) FROM devices"))).to.equal(0);
    } finally {
      await plain.close();
    }
  });

  it("--compat m1 refuses a non-loopback bind unless allowed explicitly", async () => {
    let error: unknown;
    try {
      await f.node.listen({ host: "0.0.0.0", port: 0 });
    } catch (e) {
      error = e;
    }
    expect((error as { code?: string } | undefined)?.code).to.equal("COMPAT_PUBLIC_BIND");
  });
});
