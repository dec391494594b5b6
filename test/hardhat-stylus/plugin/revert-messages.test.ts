// Revert messages of Stylus programs in the shape EDR gives Solidity's: the
// MVPIoTProcessor program and its Solidity twin reverting the same custom
// error answer eth_call / eth_sendTransaction alike (code, message, data), and
// viem decodes the error name from both through simulateContract and writeContract.
import type { NetworkConnection } from "hardhat/types/network";

import { expect } from "chai";
import { artifacts, network } from "hardhat";
import {
  BaseError,
  bytesToHex,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  encodeErrorResult,
  encodeFunctionData,
  hexToBytes,
  http,
  keccak256,
  parseAbi,
  toHex,
  type Address,
  type PublicClient,
  type WalletClient,
} from "viem";

import { mvpIoTProcessorAbi } from "../../../contracts-stylus/artifacts/abi.js";
import { buildStylusInitCode } from "../../../hardhat-stylus/src/internal/wasm/program-format.js";
import { revertMessage } from "../../../hardhat-stylus/src/internal/request-handlers/responses.js";
import { loadMvpDeployedCode } from "../helpers/mvp-artifact.js";

const DEVICE = keccak256(toHex("device-1"));
const PROOF = keccak256(toHex("p1"));

interface RpcError {
  code?: number;
  message?: string;
  data?: unknown;
}

async function rpcError(connection: NetworkConnection, method: string, params: unknown[]): Promise<RpcError> {
  try {
    await connection.provider.request({ method, params });
  } catch (error) {
    const e = error as { code?: number; message?: string; data?: unknown };
    return { code: e.code, message: e.message, data: e.data };
  }
  throw new Error(`${method} should have reverted`);
}

/** Deploys and activates the program, deploys the twin, and commits PROOF on both. */
async function setUp(
  code: Uint8Array,
  pub: PublicClient,
  wallet: WalletClient,
  deployTwin: () => Promise<Address>,
  activate: (program: Address) => Promise<unknown>,
): Promise<{ program: Address; twin: Address }> {
  const owner = wallet.account!.address;
  const hash = await wallet.deployContract({ abi: mvpIoTProcessorAbi, bytecode: bytesToHex(buildStylusInitCode(code)), account: wallet.account!, chain: wallet.chain });
  const program = (await pub.waitForTransactionReceipt({ hash })).contractAddress!;
  await activate(program);
  const twin = await deployTwin();
  for (const address of [program, twin]) {
    for (const [functionName, args] of [
      ["initialize", [owner]],
      ["registerDevice", [DEVICE, owner]],
      ["commitProof", [PROOF, DEVICE]],
    ] as const) {
      const sent = await wallet.writeContract({ address, abi: mvpIoTProcessorAbi, functionName, args, account: wallet.account!, chain: wallet.chain } as never);
      expect((await pub.waitForTransactionReceipt({ hash: sent })).status).to.equal("success");
    }
  }
  return { program, twin };
}

/** A second commit of PROOF through viem's simulateContract and writeContract: the decoded error name of each. */
async function decodedErrorNames(pub: PublicClient, wallet: WalletClient, address: Address): Promise<string[]> {
  const names: string[] = [];
  const request = { address, abi: mvpIoTProcessorAbi, functionName: "commitProof", args: [PROOF, DEVICE], account: wallet.account!, chain: wallet.chain } as const;
  for (const attempt of [() => pub.simulateContract(request), () => wallet.writeContract(request)]) {
    try {
      await attempt();
      names.push("no revert");
    } catch (error) {
      const revert = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null;
      names.push(revert?.data?.errorName ?? `undecoded: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  return names;
}

describe("hardhat-stylus revert messages, like Solidity's", function () {
  describe("in-process", function () {
    let connection: NetworkConnection;
    let program: Address;
    let twin: Address;
    let owner: Address;

    before(async function () {
      const code = await loadMvpDeployedCode();
      if (code === undefined) this.skip();
      connection = await network.create();
      const pub = await connection.viem.getPublicClient();
      const [wallet] = await connection.viem.getWalletClients();
      owner = wallet!.account.address;
      ({ program, twin } = await setUp(
        code,
        pub as unknown as PublicClient,
        wallet as unknown as WalletClient,
        async () => (await connection.viem.deployContract("MVPIoTProcessorEvm")).address,
        async (address) => await connection.stylus.activate(address),
      ));
    });

    after(async function () {
      await connection?.close();
    });

    it("answers a custom-error revert with EDR's code and data, naming the error as the project's artifacts declare it", async function () {
      const data = encodeFunctionData({ abi: mvpIoTProcessorAbi, functionName: "commitProof", args: [PROOF, DEVICE] });
      const expected = encodeErrorResult({ abi: mvpIoTProcessorAbi, errorName: "ProofAlreadyCommitted", args: [PROOF] });
      for (const method of ["eth_call", "eth_sendTransaction"]) {
        const params = method === "eth_call" ? [{ from: owner, to: twin, data }, "latest"] : [{ from: owner, to: twin, data, gas: "0x100000" }];
        const solidity = await rpcError(connection, method, params);
        const stylus = await rpcError(connection, method, [{ ...(params[0] as object), to: program }, ...params.slice(1)]);
        expect(solidity.code, method).to.equal(3);
        expect(stylus.code, method).to.equal(3);
        expect(solidity.data, method).to.equal(expected);
        expect(stylus.data, method).to.equal(expected);
        // Named from the project's artifacts (the Solidity twin declares the same error), as EDR names it.
        expect(stylus.message, method).to.equal(`execution reverted: custom error 'ProofAlreadyCommitted("${PROOF}")'`);
      }
    });

    it("lets viem decode ProofAlreadyCommitted from the program as from its Solidity twin", async function () {
      const pub = (await connection.viem.getPublicClient()) as unknown as PublicClient;
      const [wallet] = await connection.viem.getWalletClients();
      for (const address of [twin, program]) {
        expect(await decodedErrorNames(pub, wallet as unknown as WalletClient, address), address).to.deep.equal(["ProofAlreadyCommitted", "ProofAlreadyCommitted"]);
      }
    });
  });

  it("lets viem decode ProofAlreadyCommitted over HTTP (hardhat node) from both", async function () {
    const code = await loadMvpDeployedCode();
    if (code === undefined) this.skip();
    const server = await network.createServer("default", "127.0.0.1", 0);
    const { port } = await server.listen();
    const url = `http://127.0.0.1:${port}`;
    try {
      const pub = createPublicClient({ transport: http(url) }) as PublicClient;
      const [account] = await createWalletClient({ transport: http(url) }).getAddresses();
      const chain = { id: await pub.getChainId(), name: "served", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [url] } } };
      const wallet = createWalletClient({ chain, transport: http(url), account: account! });
      const twinArtifact = await artifacts.readArtifact("MVPIoTProcessorEvm");
      const { ARBWASM_ADDRESS, arbWasmAbi } = await import("../../../hardhat-stylus/src/internal/activation/arbwasm-abi.js");
      const { program, twin } = await setUp(
        code!,
        pub,
        wallet,
        async () => {
          const hash = await wallet.deployContract({ abi: mvpIoTProcessorAbi, bytecode: twinArtifact.bytecode as `0x${string}` });
          return (await pub.waitForTransactionReceipt({ hash })).contractAddress!;
        },
        async (address) =>
          await pub.waitForTransactionReceipt({
            hash: await wallet.sendTransaction({
              to: ARBWASM_ADDRESS,
              data: encodeFunctionData({ abi: arbWasmAbi, functionName: "activateProgram", args: [address] }),
              value: 10n ** 16n,
            }),
          }),
      );
      for (const address of [twin, program]) {
        expect(await decodedErrorNames(pub, wallet, address), address).to.deep.equal(["ProofAlreadyCommitted", "ProofAlreadyCommitted"]);
      }
    } finally {
      await server.close();
    }
  });

  describe("revertMessage", function () {
    const abi = parseAbi(["error Error(string)", "error Panic(uint256)"]);

    it("gives an Error(string)'s reason, as for Solidity's require", function () {
      const data = encodeErrorResult({ abi, errorName: "Error", args: ["not owner"] });
      expect(revertMessage(hexToBytes(data))).to.equal("execution reverted: not owner");
    });

    it("gives a Panic(uint256)'s code and its meaning", function () {
      const data = encodeErrorResult({ abi, errorName: "Panic", args: [0x11n] });
      expect(revertMessage(hexToBytes(data))).to.equal("execution reverted: panic code 0x11 (arithmetic overflow or underflow)");
      expect(revertMessage(hexToBytes(encodeErrorResult({ abi, errorName: "Panic", args: [0x99n] })))).to.equal("execution reverted: panic code 0x99");
    });

    it("names a custom error by selector, and says plain 'execution reverted' without data", function () {
      expect(revertMessage(hexToBytes("0xdf9de5b5"))).to.equal("execution reverted: custom error 0xdf9de5b5 (return data: 0xdf9de5b5)");
      expect(revertMessage(new Uint8Array())).to.equal("execution reverted");
      expect(revertMessage(hexToBytes("0x0102"))).to.equal("execution reverted (return data: 0x0102)");
    });
  });
});
