// SPDX-License-Identifier: MIT
// The interface of the Stylus program corpus/stylus/deployer: StylusDeployer
// as a program (CREATE2, activation through ArbWasm, constructor, refund) and
// a plain CREATE with endowment.
pragma solidity ^0.8.28;

interface ICorpusDeployer {
    event ProgramDeployed(address indexed deployed, bytes32 salt, bool activated);

    error DeployerCreateFailed(bytes reason);
    error DeployerActivationFailed(bytes reason);
    error DeployerInitFailed(bytes reason);
    error DeployerInsufficientValue(uint256 value, uint256 initValue);

    function deploy(bytes calldata initCode, bytes calldata initData, uint256 initValue, bytes32 salt)
        external
        payable
        returns (address);
    function create(bytes calldata initCode) external payable returns (address);
}
