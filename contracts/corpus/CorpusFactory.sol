// SPDX-License-Identifier: MIT
// A StylusDeployer-style factory: in one transaction it CREATE2s Stylus init
// code, activates the new program through ArbWasm (0x71) unless its code hash
// is already active, and calls its constructor (`stylus_constructor` calldata)
// with `initValue` wei. What is left of msg.value (the activation refund
// included) goes back to the sender.
pragma solidity ^0.8.28;

interface IArbWasm {
    function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
    function codehashVersion(bytes32 codehash) external view returns (uint16 version);
}

contract CorpusFactory {
    IArbWasm private constant ARB_WASM = IArbWasm(address(0x71));

    event ProgramDeployed(address indexed program, bytes32 salt, bool activated);

    error FactoryCreateFailed();
    error FactoryInitFailed(bytes reason);
    error FactoryRefundFailed();

    function deploy(bytes calldata initCode, bytes calldata initData, uint256 initValue, bytes32 salt)
        external
        payable
        returns (address program)
    {
        bytes memory code = initCode;
        assembly {
            program := create2(0, add(code, 32), mload(code), salt)
        }
        if (program == address(0)) revert FactoryCreateFailed();

        bool activated = false;
        try ARB_WASM.codehashVersion(program.codehash) returns (uint16) {}
        catch {
            ARB_WASM.activateProgram{value: msg.value - initValue}(program);
            activated = true;
        }

        if (initData.length > 0) {
            (bool ok, bytes memory reason) = program.call{value: initValue}(initData);
            if (!ok) revert FactoryInitFailed(reason);
        }
        emit ProgramDeployed(program, salt, activated);

        uint256 rest = address(this).balance;
        if (rest > 0) {
            (bool sent,) = msg.sender.call{value: rest}("");
            if (!sent) revert FactoryRefundFailed();
        }
    }

    receive() external payable {}
}
