// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IDisclosureVerifier} from "../interfaces/IDisclosureVerifier.sol";
import {IERC5192} from "../interfaces/IERC5192.sol";
import {IERC5484} from "../interfaces/IERC5484.sol";
import {IFeeRouter} from "../interfaces/IFeeRouter.sol";
import {IIssuerRegistry} from "../interfaces/IIssuerRegistry.sol";
import {IZkSBT} from "../interfaces/IZkSBT.sol";
import {StoredLeanIMT, StoredLeanIMTData} from "./StoredLeanIMT.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {PoseidonT5} from "poseidon-solidity/PoseidonT5.sol";
import {PoseidonT6} from "poseidon-solidity/PoseidonT6.sol";

/// @title ZkSBT
/// @notice Soulbound zero-knowledge data tokens. See {IZkSBT}.
/// @dev
/// - **Soulbound** (ERC-5192, always locked; ERC-5484 `OwnerOnly`): every transfer and approval
///   reverts. The owner can always burn; the issuer can revoke (not burn).
/// - **Consent.** A mint needs the owner's EIP-712 `Consent` (EOA or ERC-1271 smart account),
///   which covers the owner's identity commitment, and, for attested records, the issuer's
///   EIP-712 `Attestation`. Owners' consent nonces are sequential; issuers' attestation nonces
///   are unordered (a bitmap, as Permit2's), so an issuer signs many attestations that owners
///   submit in any order, and can cancel one ({cancelAttestationNonce}). Every signature has a
///   deadline.
/// - **What a proof binds.** Every record is a leaf
///   `PoseidonT6(commitment, schemaId, issuer, expiry, identity)` of the values checked here at
///   mint: the schema the issuer registry accepted, the attesting issuer (0: self-attested), the
///   expiry, and the owner wallet's identity commitment. The circuit recomputes the leaf from the
///   schema (a public input) and from the issuer, which it shows to be in the consumer's issuer
///   set (a public input, {issuerSetOf}; 0 accepts any class). So an anonymous proof can claim
///   only a schema and an attestation class some live record really has.
/// - **One identity per wallet.** A wallet's first mint registers `MintRequest.identity`
///   (`Poseidon1(ownerSecret)`); every later mint must repeat it. All of a wallet's leaves then
///   prove with one owner secret, hence one nullifier per scope per wallet. Identities are not
///   unique across wallets (nobody can squat one), and commitments are not unique at all: a
///   pending mint's values cannot be blocked by anyone minting them first.
/// - **Trees.** Leaves go into successive trees (ids 0, 1, ...) of `2^treeDepth` leaves each;
///   when the current tree is full the next mint starts a new one, so capacity never runs out.
///   Each tree is a LeanIMT with every node stored ({StoredLeanIMT}): burn, revoke and expiry set
///   a leaf to zero from the registry's own nodes, with no caller-supplied witness, so no other
///   transaction can make them fail.
/// - **Roots.** Each tree's current root is valid. A root replaced by a change of its tree stays
///   valid for {rootHistory} seconds after it was replaced (the deadline is stored at
///   replacement, so changing the history never revives a root): a proof in flight survives
///   anyone's mint, burn or expiry for that long, and a removed record stops being provable at
///   most {rootHistory} seconds after its removal (governance-set, 1 minute to 1 day).
/// - **Mint fees.** Each mint pulls a governance-set fee in MASA from `msg.sender` (the relayer,
///   if any): self-attested and attested mints are priced separately. The registry holds the
///   fees until anyone calls {forwardFees}, which pays its whole MASA balance to the fee router
///   (burn share, then the split). Conservation: fees pulled + MASA sent here directly =
///   forwarded + held ({pendingFees}).
/// - **Right to be forgotten.** Burning deletes the record (commitment and ciphertext) from
///   storage and zeroes its leaf. Revoking does the same but keeps the token, flagged `revoked`
///   (its record then reads commitment 0 and an empty ciphertext); a later burn of that token
///   reports commitment 0. The mint's calldata and {RecordMinted} stay in chain history.
/// - **Expiry** is enforced in both modes, with no transaction needed. A disclosure names a
///   `validUntil` and is refused once `block.timestamp > validUntil`; the proof shows
///   `expiry == 0 || validUntil < expiry` for the expiry in the leaf, and a direct disclosure is
///   also checked here against the stored expiry. {expire} (anyone) takes an expired record's
///   leaf out of its tree, keeping the anonymity sets to live records.
/// - **Disclosures** are bound to their context: the nullifier scope is derived here from the
///   chain, this registry, the consumer (`msg.sender` of {consumeDisclosure}) and its purpose, and
///   the proof's message hash from the recipient and message. A watcher who copies a pending
///   disclosure cannot use it from another address (other scope) or redirect it (other message
///   hash), and a nullifier is accepted once per scope. A direct disclosure names its token and
///   proves against the token's stored leaf.
/// - **External calls** go only to contracts fixed at construction (the issuer registry, the
///   verifier, MASA, the fee router) and, for ERC-1271 signatures, to the signer by `staticcall`;
///   state is written before the fee is pulled (checks-effects-interactions).
contract ZkSBT is IZkSBT, IERC5192, IERC5484, ERC721, EIP712, Ownable2Step {
    using SafeERC20 for IERC20;
    using StoredLeanIMT for StoredLeanIMTData;
    using Strings for uint256;

    /// @dev When a root stopped being some tree's current root, and in how many trees it is
    /// current now (a root value could be current in two trees only if they hold the same leaves
    /// in the same order; counting keeps one tree's change from retiring the other's root).
    struct RootState {
        uint64 deadline;
        uint192 currentIn;
    }

    /// @notice The BN254 scalar field modulus: commitments, roots and public inputs live below it.
    uint256 public constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @notice The deepest tree the circuit proves membership in (20: 2^20 leaves per tree).
    uint8 public constant MAX_TREE_DEPTH = 20;

    /// @notice Shortest root history governance may set.
    uint64 public constant MIN_ROOT_HISTORY = 1 minutes;

    /// @notice Longest root history governance may set.
    uint64 public constant MAX_ROOT_HISTORY = 1 days;

    /// @notice The fee router's `feeKind` label of forwarded mint fees.
    bytes32 public constant MINT_FEE_KIND = keccak256("zksbt-mint");

    /// @notice EIP-712 type of the owner's consent to a mint.
    bytes32 public constant CONSENT_TYPEHASH = keccak256(
        "Consent(address owner,uint256 identity,uint256 schemaId,uint256 commitment,bytes32 ciphertextHash,address issuer,uint64 expiry,uint256 nonce,uint256 deadline)"
    );

    /// @notice EIP-712 type of an issuer's attestation of a record.
    bytes32 public constant ATTESTATION_TYPEHASH = keccak256(
        "Attestation(address owner,uint256 schemaId,uint256 commitment,uint64 expiry,uint256 nonce,uint256 deadline)"
    );

    // Why a disclosure cannot be consumed ({_checkDisclosure}): 0 it can, else the error of that
    // name, in {_revertDisclosure}'s selector order. Plain numbers: an enum costs gas on the
    // success path.
    uint256 private constant _DISCLOSURE_OK = 0;
    uint256 private constant _INVALID_MODE = 1;
    uint256 private constant _MALFORMED_STATEMENT = 2;
    uint256 private constant _DISCLOSURE_EXPIRED = 3;
    uint256 private constant _UNKNOWN_ROOT = 4;
    uint256 private constant _RECORD_NOT_USABLE = 5;
    uint256 private constant _SCHEMA_MISMATCH = 6;
    uint256 private constant _NULLIFIER_USED = 7;
    uint256 private constant _INVALID_PROOF = 8;

    /// @notice The Groth16 verifier of the disclosure circuit.
    IDisclosureVerifier public immutable verifier;

    /// @notice Schemas and issuers.
    IIssuerRegistry public immutable issuers;

    /// @notice The fee router mint fees are forwarded to.
    IFeeRouter public immutable feeRouter;

    /// @notice The MASA token (the fee router's), in which mint fees are paid.
    IERC20 public immutable masa;

    /// @inheritdoc IZkSBT
    uint8 public immutable treeDepth;

    mapping(uint256 treeId => StoredLeanIMTData) private _trees;
    mapping(uint256 root => RootState) private _roots;
    uint64 private _currentTree;
    uint64 private _rootHistory;
    uint256 private _selfAttestedMintFee;
    uint256 private _attestedMintFee;

    mapping(uint256 tokenId => Record) private _records;
    mapping(address owner => uint256 identity) private _identities;
    mapping(uint256 nullifier => bool) private _nullifierUsed;
    mapping(address owner => uint256) private _consentNonces;
    /// @dev Used or cancelled attestation nonces: bit `nonce & 255` of word `nonce >> 8`.
    mapping(address issuer => mapping(uint256 word => uint256 bits)) private _attestationNonceBits;
    uint256 private _nextTokenId = 1;

    /// @param verifier_ The generated disclosure verifier.
    /// @param issuers_ The issuer registry.
    /// @param feeRouter_ The fee router (its MASA is the fee token).
    /// @param owner_ The DAO timelock (sets the fees and the root history).
    /// @param config_ Tree depth (1..20), root history and mint fees.
    constructor(
        IDisclosureVerifier verifier_,
        IIssuerRegistry issuers_,
        IFeeRouter feeRouter_,
        address owner_,
        Config memory config_
    ) ERC721("Masa zkSBT", "MSBT") EIP712("Masa zkSBT", "1") Ownable(owner_) {
        if (
            address(verifier_) == address(0) || address(issuers_) == address(0)
                || address(feeRouter_) == address(0)
        ) revert ZkSBT__ZeroAddress();
        if (config_.treeDepth == 0 || config_.treeDepth > MAX_TREE_DEPTH) {
            revert ZkSBT__InvalidTreeDepth(config_.treeDepth);
        }
        address masa_ = feeRouter_.masa();
        if (masa_ == address(0)) revert ZkSBT__ZeroAddress();
        verifier = verifier_;
        issuers = issuers_;
        feeRouter = feeRouter_;
        masa = IERC20(masa_);
        treeDepth = config_.treeDepth;
        _setRootHistory(config_.rootHistory);
        _setMintFees(config_.selfAttestedMintFee, config_.attestedMintFee);
        // {forwardFees} pays the router, which pulls from its caller only (`payFee` takes from
        // `msg.sender`): an unlimited allowance to the immutable router can only ever move what
        // this registry itself forwards, and saves an approval per forwarding
        IERC20(masa_).forceApprove(address(feeRouter_), type(uint256).max);
    }

    // ---------------------------------------------------------------- mint, burn, revoke

    /// @inheritdoc IZkSBT
    function mint(MintRequest calldata req, bytes calldata consent, bytes calldata attestation)
        external
        returns (uint256 tokenId)
    {
        bool firstMint = _checkMint(req);
        _checkConsent(req, consent);
        if (req.issuer != address(0)) _checkAttestation(req, attestation);

        if (firstMint) {
            _identities[req.owner] = req.identity;
            emit IdentityRegistered(req.owner, req.identity);
        }
        tokenId = _nextTokenId++;
        uint256 leaf = PoseidonT6.hash(
            [req.commitment, req.schemaId, uint256(uint160(req.issuer)), uint256(req.expiry), req.identity]
        );
        _store(tokenId, req, leaf);
        _mint(req.owner, tokenId);
        emit Locked(tokenId);
        emit Issued(req.issuer, req.owner, tokenId, BurnAuth.OwnerOnly);

        // interaction last: MASA is a plain OpenZeppelin ERC-20 fixed at construction
        uint256 fee = req.issuer == address(0) ? _selfAttestedMintFee : _attestedMintFee;
        if (fee != 0) {
            masa.safeTransferFrom(msg.sender, address(this), fee);
            emit MintFeePaid(msg.sender, tokenId, fee);
        }
    }

    /// @inheritdoc IZkSBT
    function burn(uint256 tokenId) external {
        address owner = _requireOwned(tokenId);
        if (owner != msg.sender) revert ZkSBT__NotOwner(msg.sender, owner);
        Record storage rec = _records[tokenId];
        uint256 commitment = rec.commitment;
        if (rec.inTree) _removeLeaf(rec);
        delete _records[tokenId];
        _burn(tokenId);
        emit RecordBurned(tokenId, owner, commitment);
    }

    /// @inheritdoc IZkSBT
    function revoke(uint256 tokenId) external {
        _requireOwned(tokenId);
        Record storage rec = _records[tokenId];
        // a self-attested record's issuer is zero, which is never the sender
        if (rec.issuer != msg.sender) revert ZkSBT__NotIssuer(msg.sender, rec.issuer);
        if (rec.revoked) revert ZkSBT__AlreadyRevoked(tokenId);
        uint256 commitment = rec.commitment;
        if (rec.inTree) _removeLeaf(rec);
        // the token stays (flagged) as the trace of the revocation; what it held is erased
        rec.revoked = true;
        delete rec.commitment;
        delete rec.ciphertext;
        emit RecordRevoked(tokenId, msg.sender, commitment);
    }

    /// @inheritdoc IZkSBT
    function expire(uint256 tokenId) external {
        _requireOwned(tokenId);
        Record storage rec = _records[tokenId];
        // expiries and deadlines are timestamps by definition (validators shift them by seconds)
        // forge-lint: disable-next-line(block-timestamp)
        if (!rec.inTree || rec.expiry == 0 || rec.expiry > block.timestamp) {
            revert ZkSBT__NotExpirable(tokenId, rec.expiry, block.timestamp);
        }
        _removeLeaf(rec);
        emit RecordExpired(tokenId, rec.commitment);
    }

    /// @inheritdoc IZkSBT
    function cancelAttestationNonce(uint256 nonce) external {
        _useAttestationNonce(msg.sender, nonce);
        emit AttestationNonceCancelled(msg.sender, nonce);
    }

    // ---------------------------------------------------------------- fees and governance

    /// @inheritdoc IZkSBT
    function forwardFees() external returns (uint256 amount) {
        amount = masa.balanceOf(address(this));
        if (amount == 0) return 0;
        // the router pulls it (allowance granted at construction); MASA needs no swap, so the
        // minimum output is the amount itself
        feeRouter.payFee(address(masa), amount, amount, block.timestamp, MINT_FEE_KIND);
        emit FeesForwarded(amount);
    }

    /// @inheritdoc IZkSBT
    function setMintFees(uint256 selfAttested, uint256 attested) external onlyOwner {
        _setMintFees(selfAttested, attested);
    }

    /// @inheritdoc IZkSBT
    function setRootHistory(uint64 rootHistory_) external onlyOwner {
        _setRootHistory(rootHistory_);
    }

    /// @notice Always reverts: without an owner the fees and the root history could never change.
    /// @dev Only the owner reaches the revert; others get `OwnableUnauthorizedAccount`.
    function renounceOwnership() public view override onlyOwner {
        revert ZkSBT__RenounceDisabled();
    }

    // ---------------------------------------------------------------- disclosures

    /// @inheritdoc IZkSBT
    function verifyDisclosure(address consumer, Disclosure calldata d) external view returns (bool) {
        return _checkDisclosure(consumer, d) == _DISCLOSURE_OK;
    }

    /// @inheritdoc IZkSBT
    function consumeDisclosure(Disclosure calldata d) external {
        uint256 failure = _checkDisclosure(msg.sender, d);
        if (failure != _DISCLOSURE_OK) _revertDisclosure(failure, d);
        _nullifierUsed[d.nullifier] = true;
        _emitConsumed(d);
    }

    /// @inheritdoc IZkSBT
    function checkStatement(Disclosure calldata d) external view {
        uint256 failure = _checkStatement(d);
        if (failure != _DISCLOSURE_OK) _revertDisclosure(failure, d);
    }

    /// @inheritdoc IZkSBT
    function scopeOf(address consumer, bytes32 purpose) public view returns (uint256) {
        return uint256(keccak256(abi.encode(block.chainid, address(this), consumer, purpose))) >> 8;
    }

    /// @inheritdoc IZkSBT
    function messageHashOf(address recipient, bytes32 message) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(recipient, message))) >> 8;
    }

    /// @inheritdoc IZkSBT
    function issuerSetOf(address[] calldata members) external pure returns (uint256) {
        uint256 n = members.length;
        if (n == 0 || n > 4) revert ZkSBT__InvalidIssuerSet(n);
        uint256[4] memory padded;
        // uint160(members[i]) for i < n, then the first member again (assembly: the registry is
        // close to the code size limit; the mask drops the upper bits of a malformed encoding)
        assembly ("memory-safe") {
            let first := calldataload(members.offset)
            for { let i := 0 } lt(i, 4) { i := add(i, 1) } {
                let member := first
                if lt(i, n) { member := calldataload(add(members.offset, shl(5, i))) }
                mstore(add(padded, shl(5, i)), and(member, 0xffffffffffffffffffffffffffffffffffffffff))
            }
        }
        return PoseidonT5.hash(padded);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IZkSBT
    function record(uint256 tokenId) external view returns (Record memory) {
        _requireOwned(tokenId);
        return _records[tokenId];
    }

    /// @inheritdoc IZkSBT
    function recordState(uint256 tokenId) external view returns (bool inTree, uint64 expiry) {
        Record storage rec = _records[tokenId];
        return (rec.inTree, rec.expiry);
    }

    /// @inheritdoc IZkSBT
    function identityOf(address owner) external view returns (uint256) {
        return _identities[owner];
    }

    /// @inheritdoc IZkSBT
    function root() external view returns (uint256) {
        return _trees[_currentTree]._root();
    }

    /// @inheritdoc IZkSBT
    function currentTree() external view returns (uint256) {
        return _currentTree;
    }

    /// @inheritdoc IZkSBT
    function treeRoot(uint256 treeId) external view returns (uint256) {
        return _trees[treeId]._root();
    }

    /// @inheritdoc IZkSBT
    function treeSize(uint256 treeId) external view returns (uint256) {
        return _trees[treeId].size;
    }

    /// @inheritdoc IZkSBT
    function treeDepthOf(uint256 treeId) external view returns (uint256) {
        return _trees[treeId]._depth();
    }

    /// @inheritdoc IZkSBT
    function leafAt(uint256 treeId, uint256 index) external view returns (uint256) {
        return _trees[treeId]._leaf(index);
    }

    /// @inheritdoc IZkSBT
    function rootDeadline(uint256 root_) external view returns (uint256) {
        RootState storage state = _roots[root_];
        return state.currentIn != 0 ? type(uint64).max : state.deadline;
    }

    /// @inheritdoc IZkSBT
    function isKnownRoot(uint256 root_) public view returns (bool) {
        RootState storage state = _roots[root_];
        // 0 is the root of an empty tree (or of a one-leaf tree whose leaf was removed)
        // forge-lint: disable-next-line(block-timestamp)
        return root_ != 0 && (state.currentIn != 0 || block.timestamp <= state.deadline);
    }

    /// @inheritdoc IZkSBT
    function rootHistory() external view returns (uint64) {
        return _rootHistory;
    }

    /// @inheritdoc IZkSBT
    function mintFees() external view returns (uint256 selfAttested, uint256 attested) {
        return (_selfAttestedMintFee, _attestedMintFee);
    }

    /// @inheritdoc IZkSBT
    function pendingFees() external view returns (uint256) {
        return masa.balanceOf(address(this));
    }

    /// @notice Whether `nullifier` was consumed.
    function nullifierUsed(uint256 nullifier) external view returns (bool) {
        return _nullifierUsed[nullifier];
    }

    /// @notice The next consent nonce of `owner`.
    function consentNonce(address owner) external view returns (uint256) {
        return _consentNonces[owner];
    }

    /// @notice Whether `issuer` used or cancelled attestation `nonce`.
    function attestationNonceUsed(address issuer, uint256 nonce) public view returns (bool) {
        // forge-lint: disable-next-line(incorrect-shift)
        return _attestationNonceBits[issuer][nonce >> 8] & (1 << (nonce & 0xff)) != 0; // bit mask
    }

    /// @notice The EIP-712 domain separator (name "Masa zkSBT", version "1").
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @inheritdoc IERC5192
    function locked(uint256 tokenId) external view returns (bool) {
        _requireOwned(tokenId);
        return true;
    }

    /// @inheritdoc IERC5484
    function burnAuth(uint256 tokenId) external view returns (BurnAuth) {
        _requireOwned(tokenId);
        return BurnAuth.OwnerOnly;
    }

    /// @notice ERC-721 metadata, on-chain: `data:application/json;base64,` JSON with the token's
    /// public fields only (schema and its URI, issuer, issue and expiry times, revoked, soulbound),
    /// never the record, its commitment or its ciphertext.
    function tokenURI(uint256 tokenId) public view override returns (string memory) {
        _requireOwned(tokenId);
        Record storage rec = _records[tokenId];
        string memory json = string.concat(
            '{"name":"Masa zkSBT #',
            tokenId.toString(),
            '","description":"Soulbound zero-knowledge data token: a commitment to a private record, proven about without revealing it.","attributes":[',
            _attributes(rec),
            "]}"
        );
        return string.concat("data:application/json;base64,", Base64.encode(bytes(json)));
    }

    /// @notice ERC-165: ERC-721 (+ metadata), ERC-5192 and ERC-5484.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(IERC5192).interfaceId || interfaceId == type(IERC5484).interfaceId
            || super.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------- soulbound

    /// @notice Always reverts: tokens are soulbound (the three-argument overload calls this one;
    /// `transferFrom` reverts in {_update}). Overriding it also drops OpenZeppelin's receiver
    /// check from the bytecode, which keeps the registry under the code size limit.
    function safeTransferFrom(address, address, uint256, bytes memory) public pure override {
        revert ZkSBT__Soulbound();
    }

    /// @notice Always reverts: tokens are soulbound.
    function approve(address, uint256) public pure override {
        revert ZkSBT__Soulbound();
    }

    /// @notice Always reverts: tokens are soulbound.
    function setApprovalForAll(address, bool) public pure override {
        revert ZkSBT__Soulbound();
    }

    /// @dev Only mints and burns move tokens: `transferFrom` ends here and reverts
    /// (`safeTransferFrom` reverts before).
    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        from = _ownerOf(tokenId);
        if (from != address(0) && to != address(0)) revert ZkSBT__Soulbound();
        return super._update(to, tokenId, auth);
    }

    // ---------------------------------------------------------------- internals

    /// @dev The request's own checks (cheap ones before any signature); returns whether this is
    /// the owner's first mint (its identity to be registered).
    function _checkMint(MintRequest calldata req) private view returns (bool firstMint) {
        if (req.owner == address(0)) revert ERC721InvalidReceiver(address(0));
        IIssuerRegistry.Schema memory schema = issuers.schema(req.schemaId);
        if (!schema.active) revert ZkSBT__SchemaNotActive(req.schemaId);
        if (req.issuer == address(0)) {
            if (!schema.selfAttestable) revert ZkSBT__AttestationRequired(req.schemaId);
        } else if (!issuers.isIssuer(req.issuer, req.schemaId)) {
            revert ZkSBT__NotAnIssuer(req.issuer, req.schemaId);
        }
        if (req.commitment == 0 || req.commitment >= SNARK_SCALAR_FIELD) {
            revert ZkSBT__InvalidCommitment(req.commitment);
        }
        if (req.identity == 0 || req.identity >= SNARK_SCALAR_FIELD) {
            revert ZkSBT__InvalidIdentity(req.identity);
        }
        uint256 registered = _identities[req.owner];
        if (registered == 0) firstMint = true;
        else if (registered != req.identity) revert ZkSBT__IdentityMismatch(req.owner, registered);
        // forge-lint: disable-next-line(block-timestamp)
        if (req.expiry != 0 && req.expiry <= block.timestamp) {
            revert ZkSBT__InvalidExpiry(req.expiry, block.timestamp);
        }
    }

    function _checkConsent(MintRequest calldata req, bytes calldata signature) private {
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > req.consentDeadline) {
            revert ZkSBT__SignatureExpired(req.consentDeadline, block.timestamp);
        }
        uint256 expected = _consentNonces[req.owner]++;
        if (req.consentNonce != expected) revert ZkSBT__InvalidNonce(req.owner, expected);
        bytes32 digest = _hashTypedDataV4(
            keccak256(
                abi.encode(
                    CONSENT_TYPEHASH,
                    req.owner,
                    req.identity,
                    req.schemaId,
                    req.commitment,
                    keccak256(req.ciphertext),
                    req.issuer,
                    req.expiry,
                    req.consentNonce,
                    req.consentDeadline
                )
            )
        );
        if (!SignatureChecker.isValidSignatureNow(req.owner, digest, signature)) {
            revert ZkSBT__InvalidConsent(req.owner);
        }
    }

    function _checkAttestation(MintRequest calldata req, bytes calldata signature) private {
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > req.attestationDeadline) {
            revert ZkSBT__SignatureExpired(req.attestationDeadline, block.timestamp);
        }
        _useAttestationNonce(req.issuer, req.attestationNonce);
        bytes32 digest = _hashTypedDataV4(
            keccak256(
                abi.encode(
                    ATTESTATION_TYPEHASH,
                    req.owner,
                    req.schemaId,
                    req.commitment,
                    req.expiry,
                    req.attestationNonce,
                    req.attestationDeadline
                )
            )
        );
        if (!SignatureChecker.isValidSignatureNow(req.issuer, digest, signature)) {
            revert ZkSBT__InvalidAttestation(req.issuer);
        }
    }

    /// @dev The OpenSea-style attributes of `tokenURI` (public fields; the schema URI is the
    /// issuer registry's, a string its owner, the DAO, sets: JSON-escaped).
    function _attributes(Record storage rec) private view returns (string memory) {
        return string.concat(
            '{"trait_type":"schema","value":"',
            rec.schemaId.toString(),
            '"},{"trait_type":"schema_uri","value":"',
            _escapeJSON(issuers.schema(rec.schemaId).uri),
            '"},{"trait_type":"issuer","value":"',
            _toHexString(rec.issuer),
            '"},{"display_type":"date","trait_type":"issued","value":',
            uint256(rec.issuedAt).toString(),
            '},{"display_type":"date","trait_type":"expiry","value":',
            uint256(rec.expiry).toString(),
            string.concat(
                '},{"trait_type":"revoked","value":"',
                rec.revoked ? "true" : "false",
                '"},{"trait_type":"soulbound","value":"true"}'
            )
        );
    }

    /// @dev `input` with `"`, `\\` and the controls \\b \\t \\n \\f \\r escaped: exactly
    /// OpenZeppelin's `Strings.escapeJSON` (5.4; the tests compare the two), in a fifth of its
    /// bytecode, which keeps the registry under the 24,576-byte limit.
    function _escapeJSON(string memory input) private pure returns (string memory output) {
        assembly ("memory-safe") {
            output := mload(0x40)
            let out := add(output, 0x20)
            let src := add(input, 0x20)
            let end := add(src, mload(input))
            for {} lt(src, end) { src := add(src, 1) } {
                let c := byte(0, mload(src))
                let escaped := 0
                switch c
                case 0x08 { escaped := 0x62 } // \b
                case 0x09 { escaped := 0x74 } // \t
                case 0x0a { escaped := 0x6e } // \n
                case 0x0c { escaped := 0x66 } // \f
                case 0x0d { escaped := 0x72 } // \r
                case 0x22 { escaped := 0x22 } // \"
                case 0x5c { escaped := 0x5c } // \\
                if escaped {
                    mstore8(out, 0x5c)
                    out := add(out, 1)
                    c := escaped
                }
                mstore8(out, c)
                out := add(out, 1)
            }
            mstore(output, sub(out, add(output, 0x20)))
            mstore(0x40, and(add(out, 31), not(31)))
        }
    }

    /// @dev `account` as "0x" and 40 lowercase hex digits: exactly OpenZeppelin's
    /// `Strings.toHexString(address)` (the tests compare the two), in less bytecode.
    function _toHexString(address account) private pure returns (string memory output) {
        assembly ("memory-safe") {
            output := mload(0x40)
            mstore(0x40, add(output, 0x60)) // length word + 42 bytes, rounded up
            mstore(output, 42)
            mstore8(add(output, 0x20), 0x30) // 0
            mstore8(add(output, 0x21), 0x78) // x
            let value := account
            for { let p := add(output, 0x49) } gt(p, add(output, 0x21)) { p := sub(p, 1) } {
                mstore8(p, byte(and(value, 15), "0123456789abcdef"))
                value := shr(4, value)
            }
        }
    }

    /// @dev Marks `issuer`'s attestation `nonce` used; reverts if it already was (or was cancelled).
    function _useAttestationNonce(address issuer, uint256 nonce) private {
        // forge-lint: disable-next-line(incorrect-shift)
        uint256 bit = 1 << (nonce & 0xff); // bit mask of `nonce` within its word
        uint256 bits = _attestationNonceBits[issuer][nonce >> 8];
        if (bits & bit != 0) revert ZkSBT__NonceUsed(issuer, nonce);
        _attestationNonceBits[issuer][nonce >> 8] = bits | bit;
    }

    /// @dev Inserts the record's leaf and stores the record; emits {LeafInserted} and
    /// {RecordMinted}.
    function _store(uint256 tokenId, MintRequest calldata req, uint256 leaf) private {
        (uint256 treeId, uint256 leafIndex) = _insertLeaf(leaf);
        _records[tokenId] = Record({
            schemaId: req.schemaId,
            commitment: req.commitment,
            issuer: req.issuer,
            issuedAt: uint64(block.timestamp),
            expiry: req.expiry,
            revoked: false,
            inTree: true,
            // forge-lint: disable-next-line(unsafe-typecast)
            treeId: uint32(treeId), // one tree per 2^treeDepth >= 2 mints: 2^32 trees is out of reach
            // forge-lint: disable-next-line(unsafe-typecast)
            leafIndex: uint32(leafIndex), // < 2^MAX_TREE_DEPTH
            ciphertext: req.ciphertext
        });
        emit RecordMinted(
            tokenId,
            req.owner,
            req.schemaId,
            req.commitment,
            req.issuer,
            treeId,
            leafIndex,
            req.expiry,
            req.ciphertext
        );
    }

    /// @dev Appends `leaf` to the current tree, or to a new one if it is full.
    function _insertLeaf(uint256 leaf) private returns (uint256 treeId, uint256 leafIndex) {
        treeId = _currentTree;
        StoredLeanIMTData storage tree = _trees[treeId];
        uint256 oldRoot;
        if (tree.size == uint256(1) << treeDepth) {
            // the current tree is full: its root stays current; the leaf starts the next tree
            ++treeId;
            // forge-lint: disable-next-line(unsafe-typecast)
            _currentTree = uint64(treeId); // < 2^64: one tree per 2^treeDepth >= 2 mints
            tree = _trees[treeId];
        } else {
            oldRoot = tree._root();
        }
        uint256 newRoot;
        (leafIndex, newRoot) = tree._insert(leaf);
        _replaceRoot(oldRoot, newRoot);
        emit LeafInserted(treeId, leafIndex, leaf, newRoot);
    }

    /// @dev Sets the record's leaf to zero from the stored nodes (no witness needed).
    function _removeLeaf(Record storage rec) private {
        uint256 treeId = rec.treeId;
        uint256 index = rec.leafIndex;
        StoredLeanIMTData storage tree = _trees[treeId];
        uint256 oldRoot = tree._root();
        (uint256 leaf, uint256 newRoot) = tree._update(index, 0);
        rec.inTree = false;
        _replaceRoot(oldRoot, newRoot);
        emit LeafRemoved(treeId, index, leaf, newRoot);
    }

    /// @dev A tree's root changed from `oldRoot` to `newRoot`: `oldRoot` stays valid for
    /// {rootHistory} seconds from now (unless it is still current in another tree), and
    /// `newRoot` is current. 0 (an empty tree's root) is never valid, so never tracked.
    function _replaceRoot(uint256 oldRoot, uint256 newRoot) private {
        if (oldRoot != 0) {
            RootState storage old = _roots[oldRoot];
            uint192 currentIn = old.currentIn - 1; // >= 1: it was this tree's current root
            old.currentIn = currentIn;
            // forge-lint: disable-next-line(unsafe-typecast)
            if (currentIn == 0) old.deadline = uint64(block.timestamp + _rootHistory); // < 2^64 for eons
        }
        if (newRoot != 0) ++_roots[newRoot].currentIn;
    }

    function _setMintFees(uint256 selfAttested, uint256 attested) private {
        _selfAttestedMintFee = selfAttested;
        _attestedMintFee = attested;
        emit MintFeesSet(selfAttested, attested);
    }

    function _setRootHistory(uint64 rootHistory_) private {
        if (rootHistory_ < MIN_ROOT_HISTORY || rootHistory_ > MAX_ROOT_HISTORY) {
            revert ZkSBT__InvalidRootHistory(rootHistory_);
        }
        _rootHistory = rootHistory_;
        emit RootHistorySet(rootHistory_);
    }

    /// @dev Why `d`'s statement cannot be consumed now, its proof aside ({_DISCLOSURE_OK}: it can).
    function _checkStatement(Disclosure calldata d) private view returns (uint256) {
        if (d.mode > 1) return _INVALID_MODE;
        // the nullifier and issuer set must be canonical too: n and n + p must never count as two
        // nullifiers; an anonymous disclosure names no token
        if (
            d.fieldIndex > 7 || d.operator > 6 || d.operandA > type(uint64).max
                || d.operandB > type(uint64).max || d.nullifier >= SNARK_SCALAR_FIELD
                || d.issuerSet >= SNARK_SCALAR_FIELD || (d.mode == 1 && d.tokenId != 0)
        ) {
            return _MALFORMED_STATEMENT;
        }
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > d.validUntil) return _DISCLOSURE_EXPIRED;
        if (d.mode == 1) {
            if (!isKnownRoot(d.root)) return _UNKNOWN_ROOT;
        } else {
            Record storage rec = _records[d.tokenId];
            // a burned or never minted token has no record (inTree false); revoked and expired
            // (by {expire}) records are out of the tree
            if (
                !rec.inTree
                    // forge-lint: disable-next-line(block-timestamp)
                    || (rec.expiry != 0 && rec.expiry <= block.timestamp)
                    || _trees[rec.treeId]._leaf(rec.leafIndex) != d.root
            ) {
                return _RECORD_NOT_USABLE;
            }
            if (rec.schemaId != d.schemaId) return _SCHEMA_MISMATCH;
        }
        if (_nullifierUsed[d.nullifier]) return _NULLIFIER_USED;
        return _DISCLOSURE_OK;
    }

    /// @dev Why `consumer` cannot consume `d` now ({_DISCLOSURE_OK}: it can). A code, not the
    /// error itself: {verifyDisclosure} never reverts and pays for no error encoding.
    function _checkDisclosure(address consumer, Disclosure calldata d) private view returns (uint256) {
        uint256 failure = _checkStatement(d);
        if (failure != _DISCLOSURE_OK) return failure;
        try verifier.verifyProof(d.proof, _publicInputs(consumer, d)) {
            return _DISCLOSURE_OK;
        } catch {
            return _INVALID_PROOF;
        }
    }

    /// @dev Reverts with the error `failure` names, with the values of `d` (and of its record)
    /// that explain it. Only the reverting path pays for the encoding, done by hand from one
    /// word of selectors: eight typed reverts would not fit under the code size limit. The tests
    /// decode every case against the declared error.
    function _revertDisclosure(uint256 failure, Disclosure calldata d) private view {
        uint256 a;
        uint256 b;
        uint256 words = 1;
        if (failure == _INVALID_MODE) {
            a = d.mode;
        } else if (failure == _DISCLOSURE_EXPIRED) {
            (a, b, words) = (d.validUntil, block.timestamp, 2);
        } else if (failure == _UNKNOWN_ROOT) {
            a = d.root;
        } else if (failure == _RECORD_NOT_USABLE) {
            a = d.tokenId;
        } else if (failure == _SCHEMA_MISMATCH) {
            (a, b, words) = (d.schemaId, _records[d.tokenId].schemaId, 2);
        } else if (failure == _NULLIFIER_USED) {
            a = d.nullifier;
        } else {
            words = 0; // MalformedStatement, InvalidProof
        }
        // the selectors of the failures 1 to 8, 4 bytes each (the optimizer folds it into one
        // constant); the failure's in the first 4 bytes (what follows is overwritten or cut off)
        bytes32 selectors = bytes32(ZkSBT__InvalidMode.selector)
            | (bytes32(ZkSBT__MalformedStatement.selector) >> 32)
            | (bytes32(ZkSBT__DisclosureExpired.selector) >> 64)
            | (bytes32(ZkSBT__UnknownRoot.selector) >> 96) | (bytes32(ZkSBT__RecordNotUsable.selector) >> 128)
            | (bytes32(ZkSBT__SchemaMismatch.selector) >> 160)
            | (bytes32(ZkSBT__NullifierUsed.selector) >> 192) | (bytes32(ZkSBT__InvalidProof.selector) >> 224);
        bytes32 selector = selectors << ((failure - 1) * 32);
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, selector)
            mstore(add(p, 0x04), a)
            mstore(add(p, 0x24), b)
            revert(p, add(0x04, shl(5, words)))
        }
    }

    /// @dev The circuit's public inputs, in order (circuits/disclosure.md).
    function _publicInputs(address consumer, Disclosure calldata d)
        private
        view
        returns (uint256[12] memory input)
    {
        input[0] = d.mode;
        input[1] = d.root;
        input[2] = d.schemaId;
        input[3] = d.issuerSet;
        input[4] = d.fieldIndex;
        input[5] = d.operator;
        input[6] = d.operandA;
        input[7] = d.operandB;
        input[8] = scopeOf(consumer, d.purpose);
        input[9] = d.nullifier;
        input[10] = messageHashOf(d.recipient, d.message);
        input[11] = d.validUntil;
    }

    function _emitConsumed(Disclosure calldata d) private {
        emit DisclosureConsumed(
            msg.sender,
            d.purpose,
            d.nullifier,
            scopeOf(msg.sender, d.purpose),
            d.mode,
            d.tokenId,
            d.root,
            d.schemaId,
            d.issuerSet,
            d.fieldIndex,
            d.operator,
            d.operandA,
            d.operandB,
            d.recipient,
            d.message
        );
    }
}
