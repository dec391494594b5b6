// Device ids on chain: readable bytes32.
import { expect } from "chai";

import { fromChainDeviceId, toChainDeviceId } from "../../../node/src/chain/device-id.js";

describe("chain/device-id", () => {
  it("maps ids to right-padded bytes32 and back", () => {
    const id = toChainDeviceId("EV_001");
    expect(id).to.equal("0x45565f3030310000000000000000000000000000000000000000000000000000");
    expect(fromChainDeviceId(id)).to.equal("EV_001");
  });
  it("refuses ids that do not fit or carry other characters", () => {
    expect(() => toChainDeviceId("x".repeat(33))).to.throw(RangeError);
    expect(() => toChainDeviceId("a b")).to.throw(RangeError);
    expect(() => toChainDeviceId("")).to.throw(RangeError);
  });
});
