// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOracleNodes} from "../../../src/interfaces/IOracleNodes.sol";
import {OracleNodes} from "../../../src/oracle/OracleNodes.sol";
import {MasaToken} from "../../../src/token/MasaToken.sol";
import {Test} from "../../utils/Test.sol";

/// @notice The oracle node registry over the real MASA token (governance: `dao`; slashes to
/// `treasury`), two funded operators, and helpers that sign registrations and results with the
/// EIP-712 digests recomputed here, independently of the contract.
abstract contract OracleNodesFixture is Test {
    uint256 internal constant NODE_KEY = 0x0DE1;
    uint256 internal constant NODE2_KEY = 0x0DE2;
    bytes32 internal constant CONFIG = keccak256("web:v1");

    MasaToken internal masa;
    OracleNodes internal nodes;
    address internal dao = makeAddr("dao");
    address internal treasury = makeAddr("treasury");
    address internal operator = makeAddr("operator");
    address internal operator2 = makeAddr("operator2");
    address internal reporter = makeAddr("reporter");
    address internal signer;
    address internal signer2;

    function defaults() internal view returns (IOracleNodes.Params memory p) {
        p.minStake = 10_000e18;
        p.maxStake = 1_000_000e18;
        p.unbondingPeriod = 28 days;
        p.claimWindow = 7 days;
        p.jailPeriod = 7 days;
        p.equivocationPenalty = 5_000e18;
        p.reporterShareBps = 1_000; // 10%
        p.burnBps = 5_000; // half the rest
        p.slashCapacity = 20_000e18;
        p.refillPerSecond = 1e18;
        p.treasury = treasury;
    }

    function setUp() public virtual {
        vm.warp(1_750_000_000);
        signer = vm.addr(NODE_KEY);
        signer2 = vm.addr(NODE2_KEY);
        masa = new MasaToken(address(this));
        nodes = new OracleNodes(masa, dao, defaults());
        for (uint256 i; i < 2; ++i) {
            address who = i == 0 ? operator : operator2;
            require(masa.transfer(who, 2_000_000e18), "funded");
            vm.prank(who);
            masa.approve(address(nodes), type(uint256).max);
        }
    }

    function domainSeparator() internal view returns (bytes32) {
        return keccak256(
            abi.encode(
                keccak256(
                    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
                ),
                keccak256("Masa OracleNodes"),
                keccak256("1"),
                block.chainid,
                address(nodes)
            )
        );
    }

    function sign(uint256 key, bytes32 structHash) internal view returns (bytes memory) {
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function registration(uint256 key, address operator_, uint256 deadline)
        internal
        view
        returns (bytes memory)
    {
        bytes32 typehash = keccak256("Registration(address operator,address signer,uint256 deadline)");
        return sign(key, keccak256(abi.encode(typehash, operator_, vm.addr(key), deadline)));
    }

    function result(uint256 requestId, bytes32 resultHash)
        internal
        pure
        returns (IOracleNodes.Result memory)
    {
        return IOracleNodes.Result(requestId, resultHash, CONFIG);
    }

    function signResult(uint256 key, IOracleNodes.Result memory r) internal view returns (bytes memory) {
        bytes32 typehash = keccak256("Result(uint256 requestId,bytes32 resultHash,bytes32 configHash)");
        return sign(key, keccak256(abi.encode(typehash, r.requestId, r.resultHash, r.configHash)));
    }

    /// `operator_` registers the node of `key` and stakes `amount`.
    function join(address operator_, uint256 key, uint256 amount) internal {
        uint256 deadline = block.timestamp + 1 hours;
        bytes memory sig = registration(key, operator_, deadline);
        vm.startPrank(operator_);
        nodes.register(vm.addr(key), "https://node.example", deadline, sig);
        if (amount != 0) nodes.stake(amount);
        vm.stopPrank();
    }

    /// Two different results of `key` for request `requestId`: the equivocation's evidence.
    function equivocation(uint256 key, uint256 requestId)
        internal
        view
        returns (
            IOracleNodes.Result memory a,
            bytes memory sigA,
            IOracleNodes.Result memory b,
            bytes memory sigB
        )
    {
        a = result(requestId, keccak256("yes"));
        b = result(requestId, keccak256("no"));
        (sigA, sigB) = (signResult(key, a), signResult(key, b));
    }
}
