// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMasaToken} from "../../src/interfaces/IMasaToken.sol";
import {MasaToken} from "../../src/token/MasaToken.sol";
import {Test} from "../utils/Test.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {Votes} from "@openzeppelin/contracts/governance/utils/Votes.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";

contract MasaTokenTest is Test {
    uint256 internal constant EXPECTED_SUPPLY = 1_588_866_523e18;
    uint256 internal constant START = 1_750_000_000; // a realistic unix timestamp for the votes clock
    uint256 internal constant SECP256K1_N =
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    bytes32 internal constant EIP712_DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 internal constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    bytes32 internal constant DELEGATION_TYPEHASH =
        keccak256("Delegation(address delegatee,uint256 nonce,uint256 expiry)");

    MasaToken internal token;
    uint256 internal deployedAt;

    address internal holder;
    address internal alice;
    address internal bob;
    address internal carol;
    address internal signer;
    uint256 internal signerKey;

    function setUp() public {
        vm.warp(START);
        holder = makeAddr("genesisHolder");
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        carol = makeAddr("carol");
        (signer, signerKey) = makeAddrAndKey("signer");

        token = new MasaToken(holder);
        deployedAt = block.timestamp;
        vm.label(address(token), "MASA");
    }

    /*//////////////////////////////////////////////////////////////
                                HELPERS
    //////////////////////////////////////////////////////////////*/

    function _fund(address to, uint256 amount) internal {
        vm.prank(holder);
        assertTrue(token.transfer(to, amount));
    }

    function _domainSeparator(uint256 chainId, address verifyingContract) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                EIP712_DOMAIN_TYPEHASH,
                keccak256(bytes("Masa Token")),
                keccak256(bytes("1")),
                chainId,
                verifyingContract
            )
        );
    }

    function _typedDataHash(bytes32 structHash) internal view returns (bytes32) {
        return
            keccak256(
                abi.encodePacked("\x19\x01", _domainSeparator(block.chainid, address(token)), structHash)
            );
    }

    function _permitDigest(address owner, address spender, uint256 value, uint256 nonce, uint256 deadline)
        internal
        view
        returns (bytes32)
    {
        return _typedDataHash(keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, nonce, deadline)));
    }

    function _delegationDigest(address delegatee, uint256 nonce, uint256 expiry)
        internal
        view
        returns (bytes32)
    {
        return _typedDataHash(keccak256(abi.encode(DELEGATION_TYPEHASH, delegatee, nonce, expiry)));
    }

    /// @dev Whether `code` contains `PUSH4 selector`, the way the Solidity dispatcher compares selectors.
    function _dispatchesSelector(bytes memory code, bytes4 selector) internal pure returns (bool) {
        for (uint256 i = 0; i + 4 < code.length; ++i) {
            if (
                code[i] == 0x63 && code[i + 1] == selector[0] && code[i + 2] == selector[1]
                    && code[i + 3] == selector[2] && code[i + 4] == selector[3]
            ) return true;
        }
        return false;
    }

    /*//////////////////////////////////////////////////////////////
                            DEPLOYMENT / METADATA
    //////////////////////////////////////////////////////////////*/

    function test_Metadata() public view {
        assertEq(token.name(), "Masa Token");
        assertEq(token.symbol(), "MASA");
        assertEq(uint256(token.decimals()), 18);
    }

    function test_TotalSupplyMintedToGenesisHolder() public view {
        assertEq(token.TOTAL_SUPPLY(), EXPECTED_SUPPLY, "TOTAL_SUPPLY");
        assertEq(token.TOTAL_SUPPLY(), 1_588_866_523 * 10 ** 18, "TOTAL_SUPPLY in wei");
        assertEq(token.totalSupply(), EXPECTED_SUPPLY, "totalSupply");
        assertEq(token.balanceOf(holder), EXPECTED_SUPPLY, "genesis balance");
        assertEq(token.balanceOf(address(this)), 0, "deployer balance");
    }

    function test_ConstructorEmitsTransferAndGenesisMinted() public {
        address expected = vm.computeCreateAddress(address(this), vm.getNonce(address(this)));

        vm.expectEmit(true, true, true, true, expected);
        emit IERC20.Transfer(address(0), alice, EXPECTED_SUPPLY);
        vm.expectEmit(true, true, true, true, expected);
        emit IMasaToken.GenesisMinted(alice, EXPECTED_SUPPLY);
        MasaToken deployed = new MasaToken(alice);

        assertEq(address(deployed), expected, "predicted address");
        assertEq(deployed.balanceOf(alice), EXPECTED_SUPPLY, "genesis balance");
    }

    function test_GenesisCheckpointsTotalSupplyOnly() public {
        vm.warp(deployedAt + 1);
        assertEq(token.getPastTotalSupply(deployedAt), EXPECTED_SUPPLY, "past total supply at deployment");
        assertEq(token.getPastTotalSupply(deployedAt - 1), 0, "past total supply before deployment");
        // Nobody has delegated yet, so the minted supply carries no voting power.
        assertEq(token.getVotes(holder), 0, "holder votes");
        assertEq(token.delegates(holder), address(0), "holder delegate");
        assertEq(uint256(token.numCheckpoints(holder)), 0, "holder checkpoints");
    }

    function test_RevertWhen_GenesisHolderIsZero() public {
        vm.expectRevert(abi.encodeWithSelector(IMasaToken.MasaToken__ZeroGenesisHolder.selector));
        new MasaToken(address(0));
    }

    function test_RevertWhen_MintIsCalled() public {
        bytes4 mintSelector = bytes4(keccak256("mint(address,uint256)"));
        (bool ok, bytes memory ret) =
            address(token).call(abi.encodeWithSelector(mintSelector, alice, 1 ether));
        assertFalse(ok, "mint(address,uint256) must not exist");
        assertEq(ret.length, 0, "no fallback: empty revert data");

        (ok, ret) = address(token).call(abi.encodeWithSignature("mint(uint256)", 1 ether));
        assertFalse(ok, "mint(uint256) must not exist");

        assertEq(token.totalSupply(), EXPECTED_SUPPLY, "supply unchanged");
        assertEq(token.balanceOf(alice), 0, "nothing minted");
    }

    function test_RuntimeCodeHasNoMintSelector() public view {
        bytes memory code = address(token).code;
        // Sanity check of the scanner: a selector the token does dispatch.
        assertTrue(_dispatchesSelector(code, IERC20.transfer.selector), "transfer selector present");
        assertFalse(_dispatchesSelector(code, bytes4(keccak256("mint(address,uint256)"))), "mint selector");
        assertFalse(_dispatchesSelector(code, bytes4(keccak256("mint(uint256)"))), "mint(uint256) selector");
    }

    /*//////////////////////////////////////////////////////////////
                            TRANSFER / APPROVE
    //////////////////////////////////////////////////////////////*/

    function test_Transfer() public {
        vm.expectEmit(true, true, false, true, address(token));
        emit IERC20.Transfer(holder, alice, 100 ether);
        vm.prank(holder);
        bool ok = token.transfer(alice, 100 ether);

        assertTrue(ok, "returns true");
        assertEq(token.balanceOf(alice), 100 ether, "recipient");
        assertEq(token.balanceOf(holder), EXPECTED_SUPPLY - 100 ether, "sender");
        assertEq(token.totalSupply(), EXPECTED_SUPPLY, "supply");
    }

    function test_TransferZeroAmount() public {
        vm.expectEmit(true, true, false, true, address(token));
        emit IERC20.Transfer(alice, bob, 0);
        vm.prank(alice);
        assertTrue(token.transfer(bob, 0), "zero transfer succeeds");
        assertEq(token.balanceOf(bob), 0);
    }

    function test_TransferToSelf() public {
        _fund(alice, 5 ether);
        vm.prank(alice);
        assertTrue(token.transfer(alice, 5 ether));
        assertEq(token.balanceOf(alice), 5 ether);
    }

    function test_RevertWhen_TransferExceedsBalance() public {
        _fund(alice, 10 ether);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientBalance.selector, alice, 10 ether, 10 ether + 1
            )
        );
        vm.prank(alice);
        // forge-lint: disable-next-line(erc20-unchecked-transfer)
        token.transfer(bob, 10 ether + 1);
    }

    function test_RevertWhen_TransferToZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        vm.prank(holder);
        // forge-lint: disable-next-line(erc20-unchecked-transfer)
        token.transfer(address(0), 1);
    }

    function test_Approve() public {
        vm.expectEmit(true, true, false, true, address(token));
        emit IERC20.Approval(holder, alice, 50 ether);
        vm.prank(holder);
        assertTrue(token.approve(alice, 50 ether), "returns true");
        assertEq(token.allowance(holder, alice), 50 ether, "allowance");

        // A second approve overwrites rather than adds.
        vm.prank(holder);
        token.approve(alice, 7 ether);
        assertEq(token.allowance(holder, alice), 7 ether, "overwritten allowance");
    }

    function test_RevertWhen_ApproveZeroSpender() public {
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidSpender.selector, address(0)));
        vm.prank(holder);
        token.approve(address(0), 1);
    }

    function test_TransferFrom() public {
        vm.prank(holder);
        token.approve(alice, 100 ether);

        vm.expectEmit(true, true, false, true, address(token));
        emit IERC20.Transfer(holder, bob, 40 ether);
        vm.prank(alice);
        assertTrue(token.transferFrom(holder, bob, 40 ether), "returns true");

        assertEq(token.allowance(holder, alice), 60 ether, "allowance decreased");
        assertEq(token.balanceOf(bob), 40 ether, "recipient");
        assertEq(token.balanceOf(holder), EXPECTED_SUPPLY - 40 ether, "owner");
        assertEq(token.balanceOf(alice), 0, "spender untouched");
    }

    function test_TransferFromWithMaxAllowanceDoesNotDecrease() public {
        vm.prank(holder);
        token.approve(alice, type(uint256).max);
        vm.prank(alice);
        assertTrue(token.transferFrom(holder, bob, 1_000 ether));
        assertEq(token.allowance(holder, alice), type(uint256).max, "infinite allowance kept");
        assertEq(token.balanceOf(bob), 1_000 ether);
    }

    function test_RevertWhen_TransferFromWithoutAllowance() public {
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, alice, 0, 1));
        vm.prank(alice);
        // forge-lint: disable-next-line(erc20-unchecked-transfer)
        token.transferFrom(holder, bob, 1);
    }

    function test_RevertWhen_TransferFromExceedsAllowance() public {
        vm.prank(holder);
        token.approve(alice, 5 ether);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientAllowance.selector, alice, 5 ether, 5 ether + 1
            )
        );
        vm.prank(alice);
        // forge-lint: disable-next-line(erc20-unchecked-transfer)
        token.transferFrom(holder, bob, 5 ether + 1);
    }

    function test_RevertWhen_TransferFromExceedsBalance() public {
        _fund(carol, 3 ether);
        vm.prank(carol);
        token.approve(alice, 10 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, carol, 3 ether, 4 ether)
        );
        vm.prank(alice);
        // forge-lint: disable-next-line(erc20-unchecked-transfer)
        token.transferFrom(carol, bob, 4 ether);
    }

    /*//////////////////////////////////////////////////////////////
                                  BURN
    //////////////////////////////////////////////////////////////*/

    function test_Burn() public {
        vm.expectEmit(true, true, false, true, address(token));
        emit IERC20.Transfer(holder, address(0), 1_000 ether);
        vm.prank(holder);
        token.burn(1_000 ether);

        assertEq(token.totalSupply(), EXPECTED_SUPPLY - 1_000 ether, "supply");
        assertEq(token.balanceOf(holder), EXPECTED_SUPPLY - 1_000 ether, "balance");
        assertEq(token.TOTAL_SUPPLY(), EXPECTED_SUPPLY, "constant unchanged");
    }

    function test_BurnEntireSupply() public {
        vm.prank(holder);
        token.burn(EXPECTED_SUPPLY);
        assertEq(token.totalSupply(), 0, "supply");
        assertEq(token.balanceOf(holder), 0, "balance");
    }

    function test_BurnFrom() public {
        vm.prank(holder);
        token.approve(alice, 300 ether);

        vm.expectEmit(true, true, false, true, address(token));
        emit IERC20.Transfer(holder, address(0), 200 ether);
        vm.prank(alice);
        token.burnFrom(holder, 200 ether);

        assertEq(token.totalSupply(), EXPECTED_SUPPLY - 200 ether, "supply");
        assertEq(token.balanceOf(holder), EXPECTED_SUPPLY - 200 ether, "balance");
        assertEq(token.allowance(holder, alice), 100 ether, "allowance");
    }

    function test_RevertWhen_BurnExceedsBalance() public {
        _fund(alice, 10 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, 10 ether, 11 ether)
        );
        vm.prank(alice);
        token.burn(11 ether);
    }

    function test_RevertWhen_BurnFromExceedsAllowance() public {
        vm.prank(holder);
        token.approve(alice, 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, alice, 1 ether, 2 ether)
        );
        vm.prank(alice);
        token.burnFrom(holder, 2 ether);
    }

    function test_RevertWhen_BurnFromExceedsBalance() public {
        _fund(carol, 1 ether);
        vm.prank(carol);
        token.approve(alice, 5 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, carol, 1 ether, 2 ether)
        );
        vm.prank(alice);
        token.burnFrom(carol, 2 ether);
    }

    /*//////////////////////////////////////////////////////////////
                              PERMIT / EIP-712
    //////////////////////////////////////////////////////////////*/

    function test_DomainSeparator() public view {
        bytes32 expected = _domainSeparator(block.chainid, address(token));
        assertEq(token.DOMAIN_SEPARATOR(), expected);
    }

    function test_DomainSeparatorFollowsChainId() public {
        bytes32 original = token.DOMAIN_SEPARATOR();
        vm.chainId(block.chainid + 1);
        assertEq(token.DOMAIN_SEPARATOR(), _domainSeparator(block.chainid, address(token)), "rebuilt");
        assertNotEq(token.DOMAIN_SEPARATOR(), original, "differs from the cached one");
    }

    function test_Eip712Domain() public view {
        (
            bytes1 fields,
            string memory name,
            string memory version,
            uint256 chainId,
            address verifyingContract,
            bytes32 salt,
            uint256[] memory extensions
        ) = token.eip712Domain();
        assertEq(uint256(uint8(fields)), 0x0f, "fields: name, version, chainId, verifyingContract");
        assertEq(name, "Masa Token");
        assertEq(version, "1");
        assertEq(chainId, block.chainid, "chainId");
        assertEq(verifyingContract, address(token), "verifyingContract");
        assertEq(salt, bytes32(0), "salt");
        assertEq(extensions.length, 0, "extensions");
    }

    function test_Permit() public {
        uint256 value = 123 ether;
        uint256 deadline = block.timestamp + 1 hours;
        assertEq(token.nonces(signer), 0, "initial nonce");
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(signerKey, _permitDigest(signer, alice, value, 0, deadline));

        vm.expectEmit(true, true, false, true, address(token));
        emit IERC20.Approval(signer, alice, value);
        vm.prank(carol); // anyone may relay the permit
        token.permit(signer, alice, value, deadline, v, r, s);

        assertEq(token.allowance(signer, alice), value, "allowance");
        assertEq(token.nonces(signer), 1, "nonce incremented");

        // The allowance is usable.
        _fund(signer, value);
        vm.prank(alice);
        assertTrue(token.transferFrom(signer, bob, value));
        assertEq(token.balanceOf(bob), value, "spent via permit");
        assertEq(token.allowance(signer, alice), 0, "allowance used up");
    }

    function test_PermitAtExactDeadline() public {
        uint256 deadline = block.timestamp;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(signerKey, _permitDigest(signer, alice, 1, 0, deadline));
        token.permit(signer, alice, 1, deadline, v, r, s);
        assertEq(token.allowance(signer, alice), 1);
    }

    function test_RevertWhen_PermitReplayed() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(signerKey, _permitDigest(signer, alice, 5 ether, 0, deadline));
        token.permit(signer, alice, 5 ether, deadline, v, r, s);

        // On replay the contract hashes nonce 1, so the signature recovers to an unrelated address.
        address recovered = ecrecover(_permitDigest(signer, alice, 5 ether, 1, deadline), v, r, s);
        assertNotEq(recovered, signer);
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612InvalidSigner.selector, recovered, signer));
        token.permit(signer, alice, 5 ether, deadline, v, r, s);
        assertEq(token.nonces(signer), 1, "nonce consumed once");
    }

    function test_RevertWhen_PermitDeadlineExpired() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(signerKey, _permitDigest(signer, alice, 1 ether, 0, deadline));
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612ExpiredSignature.selector, deadline));
        token.permit(signer, alice, 1 ether, deadline, v, r, s);
        assertEq(token.nonces(signer), 0, "nonce untouched");
    }

    function test_RevertWhen_PermitSignedByWrongKey() public {
        (address other, uint256 otherKey) = makeAddrAndKey("other");
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(otherKey, _permitDigest(signer, alice, 1 ether, 0, deadline));
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612InvalidSigner.selector, other, signer));
        token.permit(signer, alice, 1 ether, deadline, v, r, s);
        assertEq(token.allowance(signer, alice), 0, "no allowance");
    }

    function test_RevertWhen_PermitValueTampered() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(signerKey, _permitDigest(signer, alice, 1 ether, 0, deadline));
        address recovered = ecrecover(_permitDigest(signer, alice, 1_000 ether, 0, deadline), v, r, s);
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612InvalidSigner.selector, recovered, signer));
        token.permit(signer, alice, 1_000 ether, deadline, v, r, s);
    }

    /*//////////////////////////////////////////////////////////////
                                  VOTES
    //////////////////////////////////////////////////////////////*/

    function test_ClockIsTimestamp() public {
        assertEq(token.CLOCK_MODE(), "mode=timestamp");
        assertEq(uint256(token.clock()), block.timestamp, "clock at start");
        vm.warp(START + 12_345);
        vm.roll(block.number + 1);
        assertEq(uint256(token.clock()), START + 12_345, "clock follows timestamp, not block number");
    }

    function test_SelfDelegate() public {
        vm.expectEmit(true, true, true, true, address(token));
        emit IVotes.DelegateChanged(holder, address(0), holder);
        vm.expectEmit(true, false, false, true, address(token));
        emit IVotes.DelegateVotesChanged(holder, 0, EXPECTED_SUPPLY);
        vm.prank(holder);
        token.delegate(holder);

        assertEq(token.delegates(holder), holder, "delegate");
        assertEq(token.getVotes(holder), EXPECTED_SUPPLY, "votes");
        assertEq(uint256(token.numCheckpoints(holder)), 1, "one checkpoint");
        Checkpoints.Checkpoint208 memory cp = token.checkpoints(holder, 0);
        assertEq(uint256(cp._key), block.timestamp, "checkpoint keyed by timestamp");
        assertEq(uint256(cp._value), EXPECTED_SUPPLY, "checkpoint value");
    }

    function test_DelegateToOther() public {
        vm.prank(holder);
        token.delegate(alice);
        assertEq(token.delegates(holder), alice, "delegate");
        assertEq(token.getVotes(alice), EXPECTED_SUPPLY, "delegatee votes");
        assertEq(token.getVotes(holder), 0, "delegator keeps no votes");

        vm.expectEmit(true, true, true, true, address(token));
        emit IVotes.DelegateChanged(holder, alice, bob);
        vm.prank(holder);
        token.delegate(bob);
        assertEq(token.getVotes(alice), 0, "old delegatee");
        assertEq(token.getVotes(bob), EXPECTED_SUPPLY, "new delegatee");
    }

    function test_GetPastVotesAfterWarp() public {
        uint256 t0 = block.timestamp;
        vm.prank(holder);
        token.delegate(holder);
        vm.prank(alice);
        token.delegate(alice);

        vm.warp(t0 + 100);
        uint256 t1 = block.timestamp;
        _fund(alice, 1_000 ether);

        vm.warp(t1 + 100);
        assertEq(token.getPastVotes(holder, t0 - 1), 0, "before delegation");
        assertEq(token.getPastVotes(holder, t0), EXPECTED_SUPPLY, "at delegation");
        assertEq(token.getPastVotes(holder, t1 - 1), EXPECTED_SUPPLY, "just before transfer");
        assertEq(token.getPastVotes(holder, t1), EXPECTED_SUPPLY - 1_000 ether, "at transfer");
        assertEq(token.getPastVotes(alice, t1 - 1), 0, "alice before transfer");
        assertEq(token.getPastVotes(alice, t1), 1_000 ether, "alice at transfer");
        assertEq(token.getVotes(alice), 1_000 ether, "alice now");
    }

    function test_GetPastTotalSupply() public {
        vm.warp(deployedAt + 1 days);
        assertEq(token.getPastTotalSupply(deployedAt), EXPECTED_SUPPLY, "at deployment");
        assertEq(token.getPastTotalSupply(deployedAt + 1 days - 1), EXPECTED_SUPPLY, "a day later");
        assertEq(token.getPastTotalSupply(deployedAt - 1), 0, "before deployment");
    }

    function test_TransfersMoveVotingPowerBetweenDelegates() public {
        vm.prank(holder);
        token.delegate(carol);
        vm.prank(alice);
        token.delegate(bob);

        vm.expectEmit(true, false, false, true, address(token));
        emit IVotes.DelegateVotesChanged(carol, EXPECTED_SUPPLY, EXPECTED_SUPPLY - 500 ether);
        vm.expectEmit(true, false, false, true, address(token));
        emit IVotes.DelegateVotesChanged(bob, 0, 500 ether);
        _fund(alice, 500 ether);

        assertEq(token.getVotes(carol), EXPECTED_SUPPLY - 500 ether, "carol");
        assertEq(token.getVotes(bob), 500 ether, "bob");
        assertEq(token.getVotes(alice), 0, "alice delegated away");

        // Sending to an account without a delegate removes those votes from circulation.
        address dave = makeAddr("dave");
        vm.prank(alice);
        assertTrue(token.transfer(dave, 200 ether));
        assertEq(token.getVotes(bob), 300 ether, "bob after alice pays dave");
        assertEq(token.getVotes(dave), 0, "dave has not delegated");
        assertEq(token.getVotes(carol) + token.getVotes(bob), EXPECTED_SUPPLY - 200 ether, "delegated votes");

        // Once dave delegates, his balance counts again.
        vm.prank(dave);
        token.delegate(dave);
        assertEq(token.getVotes(dave), 200 ether, "dave self-delegated");
    }

    function test_BurnReducesPastTotalSupplyAtLaterTimepoints() public {
        vm.prank(holder);
        token.delegate(holder);

        vm.warp(deployedAt + 10);
        uint256 burnedAt = block.timestamp;
        vm.prank(holder);
        token.burn(1_000_000 ether);

        vm.warp(burnedAt + 10);
        assertEq(token.getPastTotalSupply(burnedAt - 1), EXPECTED_SUPPLY, "before burn");
        assertEq(token.getPastTotalSupply(burnedAt), EXPECTED_SUPPLY - 1_000_000 ether, "at burn");
        assertEq(token.getPastTotalSupply(burnedAt + 9), EXPECTED_SUPPLY - 1_000_000 ether, "after burn");
        assertEq(token.getPastVotes(holder, burnedAt - 1), EXPECTED_SUPPLY, "votes before burn");
        assertEq(token.getPastVotes(holder, burnedAt), EXPECTED_SUPPLY - 1_000_000 ether, "votes after burn");
    }

    function test_SameTimestampUpdatesShareOneCheckpoint() public {
        vm.prank(holder);
        token.delegate(holder);
        _fund(alice, 1 ether);
        _fund(bob, 2 ether);
        assertEq(uint256(token.numCheckpoints(holder)), 1, "one checkpoint per timestamp");
        assertEq(token.getVotes(holder), EXPECTED_SUPPLY - 3 ether);

        vm.warp(block.timestamp + 1);
        _fund(carol, 4 ether);
        assertEq(uint256(token.numCheckpoints(holder)), 2, "new timestamp, new checkpoint");
    }

    function test_RevertWhen_GetPastVotesAtCurrentTimepoint() public {
        uint48 now_ = token.clock();
        vm.expectRevert(abi.encodeWithSelector(Votes.ERC5805FutureLookup.selector, uint256(now_), now_));
        token.getPastVotes(holder, now_);
    }

    function test_RevertWhen_GetPastTotalSupplyAtCurrentTimepoint() public {
        uint48 now_ = token.clock();
        vm.expectRevert(abi.encodeWithSelector(Votes.ERC5805FutureLookup.selector, uint256(now_), now_));
        token.getPastTotalSupply(now_);
    }

    function test_RevertWhen_GetPastVotesAtFutureTimepoint() public {
        uint48 now_ = token.clock();
        vm.expectRevert(
            abi.encodeWithSelector(Votes.ERC5805FutureLookup.selector, uint256(now_) + 1 days, now_)
        );
        token.getPastVotes(holder, uint256(now_) + 1 days);
    }

    function test_DelegateBySig() public {
        _fund(signer, 42 ether);
        uint256 expiry = block.timestamp + 1 days;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(signerKey, _delegationDigest(bob, 0, expiry));

        vm.expectEmit(true, true, true, true, address(token));
        emit IVotes.DelegateChanged(signer, address(0), bob);
        vm.prank(carol); // relayed by a third party
        token.delegateBySig(bob, 0, expiry, v, r, s);

        assertEq(token.delegates(signer), bob, "delegate");
        assertEq(token.getVotes(bob), 42 ether, "votes");
        assertEq(token.nonces(signer), 1, "nonce incremented");
    }

    function test_RevertWhen_DelegateBySigExpired() public {
        uint256 expiry = block.timestamp + 1 days;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(signerKey, _delegationDigest(bob, 0, expiry));
        vm.warp(expiry + 1);
        vm.expectRevert(abi.encodeWithSelector(IVotes.VotesExpiredSignature.selector, expiry));
        token.delegateBySig(bob, 0, expiry, v, r, s);
        assertEq(token.delegates(signer), address(0), "no delegation");
    }

    function test_RevertWhen_DelegateBySigReplayed() public {
        uint256 expiry = block.timestamp + 1 days;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(signerKey, _delegationDigest(bob, 0, expiry));
        token.delegateBySig(bob, 0, expiry, v, r, s);

        vm.expectRevert(abi.encodeWithSelector(Nonces.InvalidAccountNonce.selector, signer, 1));
        token.delegateBySig(bob, 0, expiry, v, r, s);
        assertEq(token.nonces(signer), 1, "nonce consumed once");
    }

    function test_RevertWhen_DelegateBySigAfterPermitUsedTheNonce() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(signerKey, _permitDigest(signer, alice, 1, 0, deadline));
        token.permit(signer, alice, 1, deadline, v, r, s);

        // Permit and delegation share one nonce sequence.
        (v, r, s) = vm.sign(signerKey, _delegationDigest(bob, 0, deadline));
        vm.expectRevert(abi.encodeWithSelector(Nonces.InvalidAccountNonce.selector, signer, 1));
        token.delegateBySig(bob, 0, deadline, v, r, s);
    }

    /*//////////////////////////////////////////////////////////////
                                  FUZZ
    //////////////////////////////////////////////////////////////*/

    function testFuzz_ConstructorMintsToAnyHolder(address genesisHolder) public {
        vm.assume(genesisHolder != address(0));
        MasaToken deployed = new MasaToken(genesisHolder);
        assertEq(deployed.balanceOf(genesisHolder), EXPECTED_SUPPLY, "balance");
        assertEq(deployed.totalSupply(), EXPECTED_SUPPLY, "supply");
    }

    function testFuzz_TransferConservesBalancesAndSupply(address to, uint256 seed, uint256 amount) public {
        vm.assume(to != address(0));
        _fund(alice, bound(seed, 0, EXPECTED_SUPPLY));
        uint256 fromBefore = token.balanceOf(alice);
        uint256 toBefore = token.balanceOf(to);
        amount = bound(amount, 0, fromBefore);

        vm.prank(alice);
        assertTrue(token.transfer(to, amount));

        if (to == alice) {
            assertEq(token.balanceOf(alice), fromBefore, "self transfer is a no-op");
        } else {
            assertEq(token.balanceOf(alice), fromBefore - amount, "sender");
            assertEq(token.balanceOf(to), toBefore + amount, "recipient");
            assertEq(token.balanceOf(alice) + token.balanceOf(to), fromBefore + toBefore, "sum conserved");
        }
        assertEq(token.totalSupply(), EXPECTED_SUPPLY, "supply unchanged");
    }

    function testFuzz_TransferFromSpendsAllowance(uint256 allowance, uint256 amount) public {
        allowance = bound(allowance, 0, type(uint256).max - 1);
        amount = bound(amount, 0, allowance < EXPECTED_SUPPLY ? allowance : EXPECTED_SUPPLY);
        vm.prank(holder);
        token.approve(alice, allowance);

        vm.prank(alice);
        assertTrue(token.transferFrom(holder, bob, amount));

        assertEq(token.allowance(holder, alice), allowance - amount, "allowance");
        assertEq(token.balanceOf(bob), amount, "recipient");
        assertEq(token.balanceOf(holder) + token.balanceOf(bob), EXPECTED_SUPPLY, "sum conserved");
    }

    function testFuzz_BurnReducesTotalSupply(uint256 funded, uint256 amount) public {
        funded = bound(funded, 0, EXPECTED_SUPPLY);
        _fund(alice, funded);
        amount = bound(amount, 0, funded);

        vm.prank(alice);
        token.burn(amount);

        assertEq(token.totalSupply(), EXPECTED_SUPPLY - amount, "supply reduced by exactly amount");
        assertEq(token.balanceOf(alice), funded - amount, "balance");
        assertLe(token.totalSupply(), token.TOTAL_SUPPLY());
    }

    function testFuzz_BurnFromReducesTotalSupply(uint256 allowance, uint256 amount) public {
        allowance = bound(allowance, 0, EXPECTED_SUPPLY);
        amount = bound(amount, 0, allowance);
        vm.prank(holder);
        token.approve(alice, allowance);

        vm.prank(alice);
        token.burnFrom(holder, amount);

        assertEq(token.totalSupply(), EXPECTED_SUPPLY - amount, "supply");
        assertEq(token.allowance(holder, alice), allowance - amount, "allowance");
        assertLe(token.totalSupply(), token.TOTAL_SUPPLY());
    }

    function testFuzz_RevertWhen_BurnExceedsBalance(uint256 funded, uint256 amount) public {
        funded = bound(funded, 0, EXPECTED_SUPPLY - 1);
        _fund(alice, funded);
        amount = bound(amount, funded + 1, type(uint256).max);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, funded, amount)
        );
        vm.prank(alice);
        token.burn(amount);
    }

    function testFuzz_Permit(uint256 privateKey, address spender, uint256 value, uint256 deadline) public {
        privateKey = bound(privateKey, 1, SECP256K1_N - 1);
        vm.assume(spender != address(0));
        deadline = bound(deadline, block.timestamp, type(uint256).max);
        address owner = vm.addr(privateKey);
        uint256 nonce = token.nonces(owner);

        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(privateKey, _permitDigest(owner, spender, value, nonce, deadline));
        token.permit(owner, spender, value, deadline, v, r, s);

        assertEq(token.allowance(owner, spender), value, "allowance");
        assertEq(token.nonces(owner), nonce + 1, "nonce");
    }

    function testFuzz_RevertWhen_PermitExpired(uint256 privateKey, uint256 deadline, uint256 delay) public {
        privateKey = bound(privateKey, 1, SECP256K1_N - 1);
        deadline = bound(deadline, 0, block.timestamp + 365 days);
        delay = bound(delay, 1, 365 days);
        address owner = vm.addr(privateKey);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(privateKey, _permitDigest(owner, alice, 1, 0, deadline));

        if (deadline >= START) vm.warp(deadline + delay);
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612ExpiredSignature.selector, deadline));
        token.permit(owner, alice, 1, deadline, v, r, s);
    }

    function testFuzz_VotesSumEqualsDelegatedBalances(
        uint256 amountA,
        uint256 amountB,
        uint256 moved,
        bool sameDelegatee
    ) public {
        amountA = bound(amountA, 0, EXPECTED_SUPPLY);
        amountB = bound(amountB, 0, EXPECTED_SUPPLY - amountA);
        address delegateeA = carol;
        address delegateeB = sameDelegatee ? carol : makeAddr("delegateeB");

        vm.prank(alice);
        token.delegate(delegateeA);
        vm.prank(bob);
        token.delegate(delegateeB);
        _fund(alice, amountA);
        _fund(bob, amountB);

        if (sameDelegatee) {
            assertEq(token.getVotes(carol), amountA + amountB, "shared delegatee");
        } else {
            assertEq(token.getVotes(delegateeA), amountA, "delegatee A");
            assertEq(token.getVotes(delegateeB), amountB, "delegatee B");
        }

        // Moving tokens between the two delegators keeps the delegated total constant.
        moved = bound(moved, 0, amountA);
        vm.prank(alice);
        assertTrue(token.transfer(bob, moved));
        uint256 sum =
            sameDelegatee ? token.getVotes(carol) : token.getVotes(delegateeA) + token.getVotes(delegateeB);
        assertEq(sum, token.balanceOf(alice) + token.balanceOf(bob), "votes == delegated balances");
        assertEq(sum, amountA + amountB, "total delegated unchanged");
        assertEq(token.getVotes(alice) + token.getVotes(bob), 0, "delegators hold no votes");

        // The past total supply is the full supply regardless of how it was split.
        vm.warp(block.timestamp + 1);
        assertEq(token.getPastTotalSupply(block.timestamp - 1), EXPECTED_SUPPLY, "past total supply");
    }
}
