// Signature cases: the program (and its Solidity twin) recovers a secp256k1
// signer through ecrecover (0x01) and verifies a P-256 signature through the
// precompile at 0x100; keys and signatures are made here with viem and
// @noble/curves, so the expected answers do not come from the chain.
import { p256 } from "@noble/curves/nist.js";
import { expect } from "chai";
import { bytesToHex, hexToBigInt, keccak256, parseSignature, toHex, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { corpusAbis, corpusCase, IMPLS, type CorpusCase } from "../helpers/corpus-case.js";

const SIGNER_KEY: Hex = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

export const verifierCases: CorpusCase<unknown>[] = IMPLS.flatMap((impl) => [
  corpusCase<Address>({
    name: `verifier.${impl}.ecrecover`,
    title: `verifier (${impl}): ecrecover finds the signer; a high s is refused`,
    setup: async (d) => (impl === "stylus" ? await d.stylus("verifier") : await d.solidity("CorpusVerifier")),
    async check(t, verifier) {
      const { verifier: abi } = await corpusAbis();
      const signer = privateKeyToAccount(SIGNER_KEY);
      const hash = keccak256(toHex("corpus reading 1"));
      const { r, s, v } = parseSignature(await signer.sign({ hash }));
      expect(await t.read<Address>(verifier, abi, "recover", [hash, Number(v), r, s])).to.equal(signer.address);
      const other = keccak256(toHex("corpus reading 2"));
      expect(await t.read<Address>(verifier, abi, "recover", [other, Number(v), r, s])).to.not.equal(signer.address);
      const highS = toHex(SECP256K1_N - hexToBigInt(s), { size: 32 });
      const refused = await t.revertOf(verifier, abi, "recover", [hash, Number(v === 27n ? 28n : 27n), r, highS]);
      expect(refused).to.deep.include({ errorName: "ECDSAInvalidSignatureS", args: [highS] });
    },
  }),
  corpusCase<Address>({
    name: `verifier.${impl}.p256`,
    title: `verifier (${impl}): the P-256 precompile at 0x100 accepts a good signature, refuses a changed hash`,
    setup: async (d) => (impl === "stylus" ? await d.stylus("verifier") : await d.solidity("CorpusVerifier")),
    async check(t, verifier) {
      const { verifier: abi } = await corpusAbis();
      const secret = p256.utils.randomSecretKey();
      const publicKey = p256.getPublicKey(secret, false);
      const x = bytesToHex(publicKey.slice(1, 33));
      const y = bytesToHex(publicKey.slice(33, 65));
      const hash = keccak256(toHex("corpus p256"));
      const sig = p256.Signature.fromBytes(p256.sign(Buffer.from(hash.slice(2), "hex"), secret, { prehash: false, lowS: true }));
      const r = toHex(sig.r, { size: 32 });
      const s = toHex(sig.s, { size: 32 });
      expect(await t.read<boolean>(verifier, abi, "verifyP256", [hash, r, s, x, y])).to.equal(true);
      const changed = keccak256(toHex("corpus p256 changed"));
      expect(await t.read<boolean>(verifier, abi, "verifyP256", [changed, r, s, x, y])).to.equal(false);
    },
  }),
]);
