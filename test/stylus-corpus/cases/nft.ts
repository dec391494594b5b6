// ERC-721 cases on the openzeppelin-stylus token: mint and transfers between
// EOAs with OpenZeppelin's custom errors, and safeTransferFrom to a Solidity
// receiver, whose onERC721Received runs inside the transfer (and whose
// refusal undoes it).
import { expect } from "chai";
import { getAddress, toHex, type Address } from "viem";

import { corpusAbis, corpusCase, IMPLS, type CorpusCase, type Impl } from "../helpers/corpus-case.js";
import type { CorpusDeployer } from "../helpers/corpus-env.js";

const deployNft = async (d: CorpusDeployer, impl: Impl): Promise<Address> =>
  impl === "stylus" ? await d.stylus("nft") : await d.solidity("CorpusNft");

const expectSameAddress = (actual: Address, expected: Address): void => {
  expect(actual.toLowerCase()).to.equal(expected.toLowerCase());
};

export const nftCases: CorpusCase<unknown>[] = IMPLS.flatMap((impl) => [
  corpusCase<Address>({
    name: `nft.${impl}.eoa`,
    title: `ERC-721 (${impl === "stylus" ? "openzeppelin-stylus" : "Solidity twin"}): mint, transfers between EOAs, approvals, custom errors`,
    setup: async (d) => await deployNft(d, impl),
    async check(t, nft) {
      const { nft: abi } = await corpusAbis();
      const alice = getAddress(t.wallet.account!.address);
      const bob = getAddress(t.other.account!.address);
      const minted = await t.write(nft, abi, "mint", [alice, 1n]);
      t.expectLogs(minted, abi, [
        { address: nft, eventName: "Transfer", args: { from: "0x0000000000000000000000000000000000000000", to: alice, tokenId: 1n } },
      ]);
      expectSameAddress(await t.read<Address>(nft, abi, "ownerOf", [1n]), alice);
      expect(await t.read<bigint>(nft, abi, "balanceOf", [alice])).to.equal(1n);
      const twice = await t.revertOf(nft, abi, "mint", [bob, 1n]);
      expect(twice.errorName).to.equal("ERC721InvalidSender");
      const missing = await t.revertOf(nft, abi, "ownerOf", [2n]);
      expect(missing).to.deep.include({ errorName: "ERC721NonexistentToken", args: [2n] });
      const stolen = await t.revertOf(nft, abi, "transferFrom", [alice, bob, 1n], { from: t.other });
      expect(stolen).to.deep.include({ errorName: "ERC721InsufficientApproval", args: [bob, 1n] });

      const moved = await t.write(nft, abi, "safeTransferFrom", [alice, bob, 1n]);
      t.expectLogs(moved, abi, [{ address: nft, eventName: "Transfer", args: { from: alice, to: bob, tokenId: 1n } }]);
      expectSameAddress(await t.read<Address>(nft, abi, "ownerOf", [1n]), bob);
      await t.write(nft, abi, "approve", [alice, 1n], { from: t.other });
      expectSameAddress(await t.read<Address>(nft, abi, "getApproved", [1n]), alice);
      await t.write(nft, abi, "transferFrom", [bob, alice, 1n]);
      expectSameAddress(await t.read<Address>(nft, abi, "ownerOf", [1n]), alice);
      expect(await t.read<bigint>(nft, abi, "balanceOf", [bob])).to.equal(0n);
      expect(await t.read<boolean>(nft, abi, "supportsInterface", ["0x80ac58cd"]), "ERC-721 interface id").to.equal(true);
    },
  }),
  corpusCase<{ nft: Address; receiver: Address; rejecting: Address }>({
    name: `nft.${impl}.safe-transfer-receiver.call`,
    title: `ERC-721 (${impl}) safeTransferFrom to contracts in eth_call: the receiver's answer decides`,
    async setup(d) {
      const f = { nft: await deployNft(d, impl), receiver: await d.solidity("CorpusNftReceiver"), rejecting: await d.solidity("CorpusNftReceiver") };
      return f;
    },
    async check(t, f) {
      const abis = await corpusAbis();
      const alice = getAddress(t.wallet.account!.address);
      await t.write(f.nft, abis.nft, "mint", [alice, 9n]);
      await t.write(f.rejecting, abis.receiver, "setRejecting", [true]);
      await t.pub.simulateContract({
        address: f.nft,
        abi: abis.nft,
        functionName: "safeTransferFrom",
        args: [alice, f.receiver, 9n],
        account: t.wallet.account!,
      });
      const reason = await t.revertOf(f.nft, abis.nft, "safeTransferFrom", [alice, f.rejecting, 9n]);
      expect(reason.errorName, "the receiver's revert data comes back as the reason").to.equal("InvalidReceiverWithReason");
      const notReceiver = await t.revertOf(f.nft, abis.nft, "safeTransferFrom", [alice, f.nft, 9n]);
      expect(notReceiver).to.deep.include({ errorName: "ERC721InvalidReceiver", args: [getAddress(f.nft)] });
      expectSameAddress(await t.read<Address>(f.nft, abis.nft, "ownerOf", [9n]), alice);
    },
  }),
  corpusCase<{ nft: Address; receiver: Address; rejecting: Address }>({
    name: `nft.${impl}.safe-transfer-receiver`,
    title: `ERC-721 (${impl}) safeTransferFrom to a Solidity receiver calls onERC721Received in the transfer`,
    async setup(d) {
      return { nft: await deployNft(d, impl), receiver: await d.solidity("CorpusNftReceiver"), rejecting: await d.solidity("CorpusNftReceiver") };
    },
    async check(t, f) {
      const abis = await corpusAbis();
      const alice = getAddress(t.wallet.account!.address);
      await t.write(f.nft, abis.nft, "mint", [alice, 7n]);
      const data = toHex("corpus");
      const receipt = await t.write(f.nft, abis.nft, "safeTransferFrom", [alice, f.receiver, 7n, data]);
      expect(receipt.status).to.equal("success");
      t.expectLogs(receipt, abis.events, [
        { address: f.nft, eventName: "Transfer", args: { from: alice, to: f.receiver, tokenId: 7n } },
        { address: f.receiver, eventName: "TokenReceived", args: { token: f.nft, operator: alice, from: alice, tokenId: 7n, data } },
      ]);
      expectSameAddress(await t.read<Address>(f.nft, abis.nft, "ownerOf", [7n]), f.receiver);
      expect(await t.read<bigint>(f.receiver, abis.receiver, "received")).to.equal(1n);
      expectSameAddress(await t.read<Address>(f.receiver, abis.receiver, "lastToken"), f.nft);

      await t.write(f.rejecting, abis.receiver, "setRejecting", [true]);
      await t.write(f.nft, abis.nft, "mint", [alice, 8n]);
      const reason = await t.revertOf(f.nft, abis.nft, "safeTransferFrom", [alice, f.rejecting, 8n]);
      expect(reason.errorName, "the receiver's revert data comes back as the reason").to.equal("InvalidReceiverWithReason");
      await t.writeReverts(f.nft, abis.nft, "safeTransferFrom", [alice, f.rejecting, 8n], "InvalidReceiverWithReason");
      expectSameAddress(await t.read<Address>(f.nft, abis.nft, "ownerOf", [8n]), alice);
      expect(await t.read<bigint>(f.rejecting, abis.receiver, "received")).to.equal(0n);
      // A contract without onERC721Received is not a receiver.
      const notReceiver = await t.revertOf(f.nft, abis.nft, "safeTransferFrom", [alice, f.nft, 8n]);
      expect(notReceiver).to.deep.include({ errorName: "ERC721InvalidReceiver", args: [getAddress(f.nft)] });
    },
  }),
]);
