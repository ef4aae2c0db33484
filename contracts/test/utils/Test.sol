// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Vm
/// @notice The subset of Foundry cheatcodes the Masa tests use (signatures as in forge-std's Vm.sol).
/// @dev forge-std cannot be installed here: GitHub is unreachable and the npm `forge-std` (1.1.2) is
/// an old flat copy that needs the missing `ds-test`. This file stands in for it; its `Test` keeps
/// forge-std's names so that switching to forge-std is a one-line import change in each test.
interface Vm {
    // Environment
    function warp(uint256 newTimestamp) external;
    function roll(uint256 newHeight) external;
    function chainId(uint256 newChainId) external;
    function prank(address msgSender) external;
    function startPrank(address msgSender) external;
    function stopPrank() external;
    function label(address account, string calldata newLabel) external;
    function assume(bool condition) external pure;
    function getNonce(address account) external view returns (uint64 nonce);

    // Keys and signatures
    function addr(uint256 privateKey) external pure returns (address keyAddr);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function computeCreateAddress(address deployer, uint256 nonce) external pure returns (address);

    // Balances
    function deal(address account, uint256 newBalance) external;

    // Artifacts (paths relative to the project root, within foundry.toml's fs_permissions)
    function getCode(string calldata artifactPath) external view returns (bytes memory creationBytecode);

    // Expectations
    function expectRevert() external;
    function expectRevert(bytes4 revertData) external;
    function expectRevert(bytes calldata revertData) external;
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData) external;
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData, address emitter)
        external;
    function expectEmit() external;
    function expectEmit(address emitter) external;

    // Assertions (revert with a descriptive message on failure)
    function assertTrue(bool condition, string calldata error) external pure;
    function assertFalse(bool condition, string calldata error) external pure;
    function assertEq(bool left, bool right, string calldata error) external pure;
    function assertEq(uint256 left, uint256 right, string calldata error) external pure;
    function assertEq(address left, address right, string calldata error) external pure;
    function assertEq(bytes32 left, bytes32 right, string calldata error) external pure;
    function assertEq(string calldata left, string calldata right, string calldata error) external pure;
    function assertEq(bytes calldata left, bytes calldata right, string calldata error) external pure;
    function assertNotEq(uint256 left, uint256 right, string calldata error) external pure;
    function assertNotEq(address left, address right, string calldata error) external pure;
    function assertNotEq(bytes32 left, bytes32 right, string calldata error) external pure;
    function assertGt(uint256 left, uint256 right, string calldata error) external pure;
    function assertGe(uint256 left, uint256 right, string calldata error) external pure;
    function assertLt(uint256 left, uint256 right, string calldata error) external pure;
    function assertLe(uint256 left, uint256 right, string calldata error) external pure;

    // ---- Added for the fee router tests: files and JSON (reading the npm Uniswap V2 artifacts
    // as published). Paths are relative to the project root, within foundry.toml's fs_permissions.
    function readFile(string calldata path) external view returns (string memory data);
    function parseJsonBytes(string calldata json, string calldata key) external pure returns (bytes memory);
    function parseJsonUintArray(string calldata json, string calldata key)
        external
        pure
        returns (uint256[] memory);
    // ---- end of the file and JSON additions
    function expectRevert(bytes4 revertData, address reverter) external;
    // ---- Added for the zkSBT tests: raw storage (erased records are zeroed; the tree-size cap)
    function load(address target, bytes32 slot) external view returns (bytes32 data);
    function store(address target, bytes32 slot, bytes32 value) external;
}

/// @title Test
/// @notice Minimal forge-std-compatible test base: `vm`, assertions, `bound`, `makeAddr`.
abstract contract Test {
    /// @dev Foundry's cheatcode address, `address(uint160(uint256(keccak256("hevm cheat code"))))`.
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    /// @dev Lets older tooling that looks for ds-test's marker recognise test contracts.
    bool public IS_TEST = true;

    function assertTrue(bool condition) internal pure {
        vm.assertTrue(condition, "assertTrue failed");
    }

    function assertTrue(bool condition, string memory err) internal pure {
        vm.assertTrue(condition, err);
    }

    function assertFalse(bool condition) internal pure {
        vm.assertFalse(condition, "assertFalse failed");
    }

    function assertFalse(bool condition, string memory err) internal pure {
        vm.assertFalse(condition, err);
    }

    function assertEq(bool left, bool right) internal pure {
        vm.assertEq(left, right, "assertEq(bool) failed");
    }

    function assertEq(uint256 left, uint256 right) internal pure {
        vm.assertEq(left, right, "assertEq(uint256) failed");
    }

    function assertEq(uint256 left, uint256 right, string memory err) internal pure {
        vm.assertEq(left, right, err);
    }

    function assertEq(address left, address right) internal pure {
        vm.assertEq(left, right, "assertEq(address) failed");
    }

    function assertEq(address left, address right, string memory err) internal pure {
        vm.assertEq(left, right, err);
    }

    function assertEq(bytes32 left, bytes32 right) internal pure {
        vm.assertEq(left, right, "assertEq(bytes32) failed");
    }

    function assertEq(bytes32 left, bytes32 right, string memory err) internal pure {
        vm.assertEq(left, right, err);
    }

    function assertEq(string memory left, string memory right) internal pure {
        vm.assertEq(left, right, "assertEq(string) failed");
    }

    function assertEq(bytes memory left, bytes memory right) internal pure {
        vm.assertEq(left, right, "assertEq(bytes) failed");
    }

    function assertNotEq(uint256 left, uint256 right) internal pure {
        vm.assertNotEq(left, right, "assertNotEq(uint256) failed");
    }

    function assertNotEq(address left, address right) internal pure {
        vm.assertNotEq(left, right, "assertNotEq(address) failed");
    }

    function assertNotEq(bytes32 left, bytes32 right) internal pure {
        vm.assertNotEq(left, right, "assertNotEq(bytes32) failed");
    }

    function assertGt(uint256 left, uint256 right) internal pure {
        vm.assertGt(left, right, "assertGt failed");
    }

    function assertGe(uint256 left, uint256 right) internal pure {
        vm.assertGe(left, right, "assertGe failed");
    }

    function assertLt(uint256 left, uint256 right) internal pure {
        vm.assertLt(left, right, "assertLt failed");
    }

    function assertLe(uint256 left, uint256 right) internal pure {
        vm.assertLe(left, right, "assertLe failed");
    }

    function assertNotEq(uint256 left, uint256 right, string memory err) internal pure {
        vm.assertNotEq(left, right, err);
    }

    function assertNotEq(address left, address right, string memory err) internal pure {
        vm.assertNotEq(left, right, err);
    }

    function assertNotEq(bytes32 left, bytes32 right, string memory err) internal pure {
        vm.assertNotEq(left, right, err);
    }

    function assertGt(uint256 left, uint256 right, string memory err) internal pure {
        vm.assertGt(left, right, err);
    }

    function assertGe(uint256 left, uint256 right, string memory err) internal pure {
        vm.assertGe(left, right, err);
    }

    function assertLt(uint256 left, uint256 right, string memory err) internal pure {
        vm.assertLt(left, right, err);
    }

    function assertLe(uint256 left, uint256 right, string memory err) internal pure {
        vm.assertLe(left, right, err);
    }

    function assertEq(bool left, bool right, string memory err) internal pure {
        vm.assertEq(left, right, err);
    }

    function assertEq(string memory left, string memory right, string memory err) internal pure {
        vm.assertEq(left, right, err);
    }

    function assertEq(bytes memory left, bytes memory right, string memory err) internal pure {
        vm.assertEq(left, right, err);
    }

    /// @dev Maps `x` into `[min, max]` like forge-std's `bound` (values already inside are kept).
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min + 1;
        // Small x near 0 and near type(uint256).max map onto the edges of the range.
        if (x <= 3 && size > x) return min + x;
        if (x >= type(uint256).max - 3 && size > type(uint256).max - x) return max - (type(uint256).max - x);
        if (x > max) {
            uint256 diff = x - max;
            uint256 rem = diff % size;
            if (rem == 0) return max;
            return min + rem - 1;
        }
        uint256 diffBelow = min - x;
        uint256 remBelow = diffBelow % size;
        if (remBelow == 0) return min;
        return max - remBelow + 1;
    }

    /// @dev A labelled address derived from `name`, like forge-std's `makeAddr`.
    function makeAddr(string memory name) internal returns (address account) {
        (account,) = makeAddrAndKey(name);
    }

    /// @dev A labelled address and its private key derived from `name`, like forge-std's `makeAddrAndKey`.
    function makeAddrAndKey(string memory name) internal returns (address account, uint256 privateKey) {
        privateKey = uint256(keccak256(abi.encodePacked(name)));
        account = vm.addr(privateKey);
        vm.label(account, name);
    }
}
