// Node configuration: defaults, checks with every problem listed, environment mapping.
import { expect } from "chai";

import { ConfigError } from "../../node/src/errors/chain.js";
import { loadConfigFromEnv, resolveNodeConfig } from "../../node/src/config.js";

const chain = { rpcUrl: "http://127.0.0.1:8545", privateKey: `0x${"01".repeat(32)}`, contractAddress: `0x${"02".repeat(20)}` };

describe("config", () => {
  it("fills defaults: proof mode, 127.0.0.1, noble engine, local secret files", () => {
    const c = resolveNodeConfig({ chain });
    expect(c.commitMode).to.equal("proof");
    expect(c.http.host).to.equal("127.0.0.1");
    expect(c.cryptoEngine).to.equal("noble");
    expect(c.masterSecretFile).to.equal(".lcore/master.key");
    expect(c.batchSize).to.equal(256);
  });

  it("lists every problem in one ConfigError", () => {
    try {
      resolveNodeConfig({ chain: { ...chain, privateKey: "0x12" }, commitMode: "fast" as "proof", batchSize: 0 });
      expect.fail("should throw");
    } catch (e) {
      expect(e).to.be.instanceOf(ConfigError);
      const lines = (e as ConfigError).metaMessages.join("\n");
      expect(lines).to.match(/commitMode/).and.match(/batchSize/);
    }
    expect(() => resolveNodeConfig({ chain: { ...chain, privateKey: "0x12" } })).to.throw(ConfigError, /invalid/);
  });

  it("reads LCORE_NODE_* from the environment and says which required ones are missing", () => {
    const c = loadConfigFromEnv({
      LCORE_NODE_RPC_URL: chain.rpcUrl,
      LCORE_NODE_PRIVATE_KEY: chain.privateKey,
      LCORE_NODE_CONTRACT_ADDRESS: chain.contractAddress,
      LCORE_NODE_COMMIT_MODE: "batch",
      LCORE_NODE_BATCH_SIZE: "64",
      LCORE_NODE_PORT: "9999",
    });
    expect(c.commitMode).to.equal("batch");
    expect(c.batchSize).to.equal(64);
    expect(c.http.port).to.equal(9999);
    expect(c.http.host).to.equal("127.0.0.1");
    expect(() => loadConfigFromEnv({})).to.throw(ConfigError);
    try {
      loadConfigFromEnv({ LCORE_NODE_RPC_URL: chain.rpcUrl });
    } catch (e) {
      expect((e as ConfigError).metaMessages.join(" ")).to.match(/LCORE_NODE_PRIVATE_KEY/).and.match(/LCORE_NODE_CONTRACT_ADDRESS/);
    }
  });
});
