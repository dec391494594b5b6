// The environment switches of the device formats: LCORE_NODE_COMPAT,
// LCORE_NODE_ENROLL, LCORE_NODE_GATEWAYS, LCORE_NODE_COMPAT_ALLOW_PUBLIC; all
// off by default, and a wrong value is a configuration error naming the field.
import { expect } from "chai";

import { loadConfigFromEnv } from "../../../node/src/index.js";

const chain = {
  LCORE_NODE_RPC_URL: "http://127.0.0.1:8545",
  LCORE_NODE_PRIVATE_KEY: `0x${"11".repeat(32)}`,
  LCORE_NODE_CONTRACT_ADDRESS: `0x${"22".repeat(20)}`,
};

describe("device format configuration", () => {
  it("is off by default", () => {
    const c = loadConfigFromEnv(chain);
    expect(c).to.include({ compat: "none", enroll: "operator", gateways: false, compatAllowPublicBind: false });
  });

  it("reads the LCORE_NODE_* switches", () => {
    const c = loadConfigFromEnv({ ...chain, LCORE_NODE_COMPAT: "m1", LCORE_NODE_ENROLL: "open", LCORE_NODE_GATEWAYS: "1", LCORE_NODE_COMPAT_ALLOW_PUBLIC: "1", LCORE_NODE_JWS_WINDOW_SEC: "60", LCORE_NODE_ANSWER_WAIT_MS: "0" });
    expect(c).to.include({ compat: "m1", enroll: "open", gateways: true, compatAllowPublicBind: true, jwsTimestampWindowSec: 60, deviceAnswerWaitMs: 0 });
  });

  it("refuses unknown values, naming the field", () => {
    expect(() => loadConfigFromEnv({ ...chain, LCORE_NODE_COMPAT: "m2" })).to.throw(/compat/);
    expect(() => loadConfigFromEnv({ ...chain, LCORE_NODE_ENROLL: "anyone" })).to.throw(/enroll/);
  });
});
