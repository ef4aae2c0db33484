// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IssuerRegistry} from "../../src/identity/IssuerRegistry.sol";
import {IIssuerRegistry} from "../../src/interfaces/IIssuerRegistry.sol";
import {Test} from "../utils/Test.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract IssuerRegistryTest is Test {
    uint256 internal constant P =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    address internal dao = makeAddr("dao");
    address internal bureau = makeAddr("bureau");
    address internal oracle = makeAddr("oracle");
    IssuerRegistry internal registry;

    function setUp() public {
        registry = new IssuerRegistry(
            dao,
            new IIssuerRegistry.SchemaInit[](0),
            new IIssuerRegistry.IssuerInit[](0),
            IIssuerRegistry.OracleInit(address(0), new uint256[](0))
        );
    }

    function test_Constructor_RegistersSchemasAndIssuers_WithEvents() public {
        IIssuerRegistry.SchemaInit[] memory schemas = new IIssuerRegistry.SchemaInit[](2);
        schemas[0] = IIssuerRegistry.SchemaInit(1, IIssuerRegistry.Schema("ipfs://self", true, true));
        schemas[1] = IIssuerRegistry.SchemaInit(2, IIssuerRegistry.Schema("ipfs://credit", false, true));
        IIssuerRegistry.IssuerInit[] memory issuers = new IIssuerRegistry.IssuerInit[](1);
        uint256[] memory ids = new uint256[](1);
        ids[0] = 2;
        issuers[0] = IIssuerRegistry.IssuerInit(bureau, "Bureau", ids);
        vm.expectEmit();
        emit IIssuerRegistry.SchemaSet(1, "ipfs://self", true, true);
        vm.expectEmit();
        emit IIssuerRegistry.SchemaSet(2, "ipfs://credit", false, true);
        vm.expectEmit();
        emit IIssuerRegistry.IssuerSet(bureau, "Bureau", true);
        vm.expectEmit();
        emit IIssuerRegistry.IssuerSchemaSet(bureau, 2, true);
        IssuerRegistry r = new IssuerRegistry(
            dao, schemas, issuers, IIssuerRegistry.OracleInit(address(0), new uint256[](0))
        );
        assertEq(r.owner(), dao);
        assertTrue(r.isIssuer(bureau, 2));
        assertFalse(r.isIssuer(bureau, 1));
        IIssuerRegistry.Schema memory s = r.schema(2);
        assertEq(s.uri, "ipfs://credit");
        assertFalse(s.selfAttestable);
        assertTrue(s.active);
        (string memory name, bool active) = r.issuerInfo(bureau);
        assertEq(name, "Bureau");
        assertTrue(active);
    }

    function test_RevertWhen_Constructor_IssuerForUnknownSchema() public {
        IIssuerRegistry.IssuerInit[] memory issuers = new IIssuerRegistry.IssuerInit[](1);
        uint256[] memory ids = new uint256[](1);
        ids[0] = 9;
        issuers[0] = IIssuerRegistry.IssuerInit(bureau, "Bureau", ids);
        vm.expectRevert(abi.encodeWithSelector(IIssuerRegistry.IssuerRegistry__UnknownSchema.selector, 9));
        new IssuerRegistry(
            dao,
            new IIssuerRegistry.SchemaInit[](0),
            issuers,
            IIssuerRegistry.OracleInit(address(0), new uint256[](0))
        );
    }

    function testFuzz_RevertWhen_SetterCallerIsNotTheOwner(address caller) public {
        vm.assume(caller != dao);
        bytes memory err = abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, caller);
        vm.startPrank(caller);
        vm.expectRevert(err);
        registry.setSchema(1, IIssuerRegistry.Schema("x", true, true));
        vm.expectRevert(err);
        registry.setIssuer(bureau, "Bureau", true);
        vm.expectRevert(err);
        registry.setIssuerSchema(bureau, 1, true);
        vm.expectRevert(err);
        registry.setIssuerAnySchema(bureau, true);
        vm.expectRevert(err);
        registry.renounceOwnership();
        vm.expectRevert(err);
        registry.transferOwnership(caller);
        vm.stopPrank();
    }

    function test_Setters_EmitAndApply() public {
        vm.startPrank(dao);
        vm.expectEmit(address(registry));
        emit IIssuerRegistry.SchemaSet(1, "ipfs://age", false, true);
        registry.setSchema(1, IIssuerRegistry.Schema("ipfs://age", false, true));
        vm.expectEmit(address(registry));
        emit IIssuerRegistry.IssuerSet(bureau, "Bureau", true);
        registry.setIssuer(bureau, "Bureau", true);
        assertFalse(registry.isIssuer(bureau, 1), "registered, but not for this schema");
        vm.expectEmit(address(registry));
        emit IIssuerRegistry.IssuerSchemaSet(bureau, 1, true);
        registry.setIssuerSchema(bureau, 1, true);
        assertTrue(registry.isIssuer(bureau, 1));
        vm.expectEmit(address(registry));
        emit IIssuerRegistry.IssuerSet(bureau, "Bureau", false);
        registry.setIssuer(bureau, "Bureau", false);
        assertFalse(registry.isIssuer(bureau, 1), "deactivated");
        registry.setIssuer(bureau, "Bureau v2", true);
        assertTrue(registry.isIssuer(bureau, 1), "reactivated: its schemas are kept");
        registry.setIssuerSchema(bureau, 1, false);
        assertFalse(registry.isIssuer(bureau, 1), "schema withdrawn");
        // deactivating a schema keeps it registered
        registry.setSchema(1, IIssuerRegistry.Schema("ipfs://age", false, false));
        assertTrue(registry.schemaExists(1));
        assertFalse(registry.schema(1).active);
        vm.stopPrank();
        assertFalse(registry.schemaExists(2));
        assertEq(registry.schema(2).uri, "");
    }

    function test_AnySchemaIssuer() public {
        vm.startPrank(dao);
        registry.setSchema(1, IIssuerRegistry.Schema("ipfs://age", false, true));
        registry.setIssuer(oracle, "Oracle network", true);
        assertFalse(registry.isIssuer(oracle, 1));
        vm.expectEmit(address(registry));
        emit IssuerRegistry.IssuerAnySchemaSet(oracle, true);
        registry.setIssuerAnySchema(oracle, true);
        assertTrue(registry.mayAttestAnySchema(oracle));
        assertTrue(registry.isIssuer(oracle, 1));
        assertFalse(registry.isIssuer(oracle, 2), "only registered schemas");
        registry.setSchema(2, IIssuerRegistry.Schema("ipfs://later", false, true));
        assertTrue(registry.isIssuer(oracle, 2), "and those registered later");
        registry.setIssuer(oracle, "Oracle network", false);
        assertFalse(registry.isIssuer(oracle, 1), "deactivation wins");
        registry.setIssuer(oracle, "Oracle network", true);
        registry.setIssuerSchema(oracle, 1, true);
        registry.setIssuerAnySchema(oracle, false);
        assertTrue(registry.isIssuer(oracle, 1), "per-schema permissions are kept");
        assertFalse(registry.isIssuer(oracle, 2));
        vm.expectRevert(IIssuerRegistry.IssuerRegistry__ZeroIssuer.selector);
        registry.setIssuerAnySchema(address(0), true);
        vm.stopPrank();
        assertFalse(registry.isIssuer(bureau, 1), "an unregistered address is never an issuer");
    }

    function testFuzz_SchemaIdMustBeANonZeroFieldElement(uint256 id) public {
        vm.prank(dao);
        if (id == 0 || id >= P) {
            vm.expectRevert(
                abi.encodeWithSelector(IIssuerRegistry.IssuerRegistry__InvalidSchemaId.selector, id)
            );
            registry.setSchema(id, IIssuerRegistry.Schema("x", true, true));
        } else {
            registry.setSchema(id, IIssuerRegistry.Schema("x", true, true));
            assertTrue(registry.schemaExists(id));
        }
    }

    function test_RevertWhen_IssuerIsZero() public {
        vm.startPrank(dao);
        registry.setSchema(1, IIssuerRegistry.Schema("x", true, true));
        vm.expectRevert(IIssuerRegistry.IssuerRegistry__ZeroIssuer.selector);
        registry.setIssuer(address(0), "none", true);
        vm.expectRevert(IIssuerRegistry.IssuerRegistry__ZeroIssuer.selector);
        registry.setIssuerSchema(address(0), 1, true);
        vm.stopPrank();
    }

    function test_Ownership_TwoStep_AndNoRenounce() public {
        address newDao = makeAddr("new timelock");
        vm.prank(dao);
        vm.expectRevert(IIssuerRegistry.IssuerRegistry__RenounceDisabled.selector);
        registry.renounceOwnership();
        vm.prank(dao);
        registry.transferOwnership(newDao);
        assertEq(registry.owner(), dao, "unchanged until accepted");
        assertEq(registry.pendingOwner(), newDao);
        vm.prank(bureau);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, bureau));
        registry.acceptOwnership();
        vm.prank(newDao);
        registry.acceptOwnership();
        assertEq(registry.owner(), newDao);
        vm.prank(dao);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, dao));
        registry.setIssuer(bureau, "Bureau", true);
    }
}
