// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IIssuerRegistry} from "../../src/interfaces/IIssuerRegistry.sol";
import {IOracleNodes} from "../../src/interfaces/IOracleNodes.sol";
import {IZkSBT} from "../../src/interfaces/IZkSBT.sol";
import {OracleNodes} from "../../src/oracle/OracleNodes.sol";
import {ZkSBTFixture} from "../identity/utils/ZkSBTFixture.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @notice Oracle nodes as zkSBT issuers: the key of a node active now attests the schemas the
/// oracle network serves, checked live at the mint; a node that unbonds or is jailed stops
/// being trusted in the same block; a schema the network does not serve, or a key of no node,
/// is no issuer.
contract OracleAttestationsTest is ZkSBTFixture {
    uint256 internal constant NODE_KEY = 0x0DE1;
    OracleNodes internal nodes;
    address internal operator = makeAddr("operator");
    address internal nodeSigner;

    function setUp() public override {
        super.setUp();
        nodeSigner = vm.addr(NODE_KEY);
        IOracleNodes.Params memory p;
        p.minStake = 10_000e18;
        p.maxStake = 1_000_000e18;
        p.unbondingPeriod = 1 days;
        p.claimWindow = 1 days;
        p.jailPeriod = 7 days;
        p.equivocationPenalty = 1_000e18;
        p.slashCapacity = 10_000e18;
        p.treasury = dao;
        nodes = new OracleNodes(masa, dao, p);
        require(masa.transfer(operator, 20_000e18), "funded");
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 typehash = keccak256("Registration(address operator,address signer,uint256 deadline)");
        bytes32 digest = keccak256(
            abi.encodePacked(
                "\x19\x01", _nodesDomain(), keccak256(abi.encode(typehash, operator, nodeSigner, deadline))
            )
        );
        vm.startPrank(operator);
        nodes.register(nodeSigner, "https://node.example", deadline, sign(NODE_KEY, digest));
        masa.approve(address(nodes), 20_000e18);
        nodes.stake(20_000e18);
        vm.stopPrank();
        vm.startPrank(dao);
        registry.setOracleNodes(address(nodes));
        registry.setOracleSchema(ATTESTED, true);
        vm.stopPrank();
    }

    function _nodesDomain() internal view returns (bytes32) {
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

    /// `ownerKey`'s record of the attested schema, attested by the node's key.
    function mintByNode(uint256 ownerKey, uint256 commitment) internal returns (uint256 id) {
        IZkSBT.MintRequest memory req = request(vm.addr(ownerKey), ATTESTED, commitment, nodeSigner);
        id = sbt.mint(req, sign(ownerKey, consentDigest(req)), sign(NODE_KEY, attestationDigest(req)));
    }

    function test_AnActiveNodeAttestsTheServedSchema() public {
        assertTrue(registry.isIssuer(nodeSigner, ATTESTED));
        assertFalse(registry.isIssuer(nodeSigner, SELF), "a schema the network does not serve");
        assertFalse(registry.isIssuer(makeAddr("stranger"), ATTESTED), "a key of no node");
        uint256 id = mintByNode(aliceKey, 42);
        assertEq(sbt.ownerOf(id), alice);
    }

    function test_RevertWhen_TheNodeUnbonds() public {
        vm.prank(operator);
        nodes.unbond(1);
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 42, nodeSigner);
        bytes memory consent = sign(aliceKey, consentDigest(req));
        bytes memory attestation = sign(NODE_KEY, attestationDigest(req));
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__NotAnIssuer.selector, nodeSigner, ATTESTED));
        sbt.mint(req, consent, attestation);
    }

    function test_RevertWhen_TheNodeIsJailed() public {
        IZkSBT.MintRequest memory req = request(alice, ATTESTED, 42, nodeSigner);
        bytes memory consent = sign(aliceKey, consentDigest(req));
        bytes memory attestation = sign(NODE_KEY, attestationDigest(req));
        vm.prank(dao);
        nodes.slash(operator, 1e18, "judged");
        vm.expectRevert(abi.encodeWithSelector(IZkSBT.ZkSBT__NotAnIssuer.selector, nodeSigner, ATTESTED));
        sbt.mint(req, consent, attestation);
        // trusted again once the jail is over
        vm.warp(block.timestamp + 7 days);
        assertTrue(registry.isIssuer(nodeSigner, ATTESTED));
    }

    function test_GovernanceDecidesWhatTheNetworkAttests() public {
        vm.prank(dao);
        registry.setOracleSchema(ATTESTED, false);
        assertFalse(registry.isIssuer(nodeSigner, ATTESTED));
        vm.startPrank(dao);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistry__UnknownSchema.selector, 99));
        registry.setOracleSchema(99, true);
        registry.setOracleSchema(ATTESTED, true);
        registry.setOracleNodes(address(0));
        vm.stopPrank();
        assertFalse(registry.isIssuer(nodeSigner, ATTESTED), "no oracle registry: no oracle issuer");
        vm.prank(makeAddr("stranger"));
        vm.expectRevert(
            abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, makeAddr("stranger"))
        );
        registry.setOracleNodes(address(nodes));
    }
}
