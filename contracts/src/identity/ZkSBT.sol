// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IDisclosureVerifier} from "../interfaces/IDisclosureVerifier.sol";
import {IERC5192} from "../interfaces/IERC5192.sol";
import {IERC5484} from "../interfaces/IERC5484.sol";
import {IIssuerRegistry} from "../interfaces/IIssuerRegistry.sol";
import {IZkSBT} from "../interfaces/IZkSBT.sol";
import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {InternalLeanIMT, LeanIMTData} from "@zk-kit/lean-imt.sol/InternalLeanIMT.sol";
import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";

/// @title ZkSBT
/// @notice Soulbound zero-knowledge data tokens. See {IZkSBT}.
/// @dev
/// - **Soulbound** (ERC-5192, always locked; ERC-5484 `OwnerOnly`): every transfer and approval
///   reverts. The owner can always burn; the issuer can revoke (not burn).
/// - **Consent.** A mint needs the owner's EIP-712 `Consent` (EOA or ERC-1271 smart account) and,
///   for attested records, the issuer's EIP-712 `Attestation`. Owners' consent nonces are
///   sequential; issuers' attestation nonces are unordered (a bitmap, as Permit2's), so an issuer
///   signs many attestations that owners submit in any order, and can cancel one
///   ({cancelAttestationNonce}). Every signature has a deadline.
/// - **Anonymity set.** Every live record is a leaf `PoseidonT3(commitment, expiry)` of a LeanIMT
///   (Poseidon; zk-kit lean-imt): the leaf binds the record's expiry (0: never) into anonymous
///   proofs, and `LeafInserted`/`LeafRemoved` carry it. Each tree change gets a sequence number;
///   an anonymous proof may use any of the last `rootWindow` roots, so proofs in flight survive
///   new mints. Burn, revoke and expiry set the leaf to zero and also invalidate every earlier
///   root: otherwise a removed record could still be proven against a root that contains it. (Proofs in flight against older roots then fail
///   with {ZkSBT__UnknownRoot} and are simply re-made; removals are rare next to mints.)
/// - **Right to be forgotten.** Burning deletes the record (commitment and ciphertext) from
///   storage and its leaf from the tree. Revoking does the same but keeps the token, flagged
///   `revoked` (its record then reads commitment 0 and an empty ciphertext), so the commitment is
///   free again; a later burn of that token reports commitment 0.
/// - **Expiry** is enforced in both modes, with no transaction needed. A disclosure names a
///   `validUntil` and is refused once `block.timestamp > validUntil`. An anonymous proof shows
///   `expiry == 0 || validUntil < expiry` for the expiry bound into the record's leaf; a direct
///   disclosure is checked here against the stored record's expiry. Either way no record is
///   provable at or after its expiry. {expire} (anyone may call it) still takes an expired
///   record's leaf out of the tree, keeping the anonymity set to live records (like every
///   removal, it invalidates earlier roots).
/// - **Disclosures** are bound to their context: the nullifier scope is derived here from the
///   chain, this registry, the consumer (`msg.sender` of {consumeDisclosure}) and its purpose, and
///   the proof's message hash from the recipient and message. A watcher who copies a pending
///   disclosure cannot use it from another address (other scope) or redirect it (other message
///   hash), and a nullifier is accepted once per scope.
contract ZkSBT is IZkSBT, IERC5192, IERC5484, ERC721, EIP712 {
    using InternalLeanIMT for LeanIMTData;
    using Strings for uint256;
    using Strings for address;

    /// @notice The BN254 scalar field modulus: commitments, roots and public inputs live below it.
    uint256 public constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @notice Most leaves the tree may hold: the circuit proves membership up to depth 20.
    uint256 public constant MAX_LEAVES = 1 << 20;

    /// @notice EIP-712 type of the owner's consent to a mint.
    bytes32 public constant CONSENT_TYPEHASH = keccak256(
        "Consent(address owner,uint256 schemaId,uint256 commitment,bytes32 ciphertextHash,address issuer,uint64 expiry,uint256 nonce,uint256 deadline)"
    );

    /// @notice EIP-712 type of an issuer's attestation of a record.
    bytes32 public constant ATTESTATION_TYPEHASH = keccak256(
        "Attestation(address owner,uint256 schemaId,uint256 commitment,uint64 expiry,uint256 nonce,uint256 deadline)"
    );

    /// @notice The Groth16 verifier of the disclosure circuit.
    IDisclosureVerifier public immutable verifier;

    /// @notice Schemas and issuers.
    IIssuerRegistry public immutable issuers;

    /// @notice How many of the latest tree roots an anonymous disclosure may use.
    uint256 public immutable rootWindow;

    LeanIMTData private _tree;
    mapping(uint256 root => uint256 seq) private _rootSeq;
    /// @notice Sequence number of the current root (number of tree changes).
    uint256 public rootCount;
    /// @notice Roots with a sequence number below this predate the last removal.
    uint256 public validRootsFrom;

    mapping(uint256 tokenId => Record) private _records;
    mapping(uint256 commitment => uint256 tokenId) private _tokenOfCommitment;
    mapping(uint256 nullifier => bool) private _nullifierUsed;
    mapping(address owner => uint256) private _consentNonces;
    /// @dev Used or cancelled attestation nonces: bit `nonce & 255` of word `nonce >> 8`.
    mapping(address issuer => mapping(uint256 word => uint256 bits)) private _attestationNonceBits;
    uint256 private _nextTokenId = 1;

    /// @param verifier_ The generated disclosure verifier.
    /// @param issuers_ The issuer registry.
    /// @param rootWindow_ How many recent roots to accept (at least 1).
    constructor(IDisclosureVerifier verifier_, IIssuerRegistry issuers_, uint256 rootWindow_)
        ERC721("Masa zkSBT", "MSBT")
        EIP712("Masa zkSBT", "1")
    {
        verifier = verifier_;
        issuers = issuers_;
        rootWindow = rootWindow_ == 0 ? 1 : rootWindow_;
    }

    // ---------------------------------------------------------------- mint, burn, revoke

    /// @inheritdoc IZkSBT
    function mint(MintRequest calldata req, bytes calldata consent, bytes calldata attestation)
        external
        returns (uint256 tokenId)
    {
        _checkMint(req);
        _checkConsent(req, consent);
        if (req.issuer != address(0)) _checkAttestation(req, attestation);

        tokenId = _nextTokenId++;
        uint256 leafIndex = _insertLeaf(req.commitment, req.expiry);

        _records[tokenId] = Record({
            schemaId: req.schemaId,
            commitment: req.commitment,
            issuer: req.issuer,
            issuedAt: uint64(block.timestamp),
            expiry: req.expiry,
            revoked: false,
            inTree: true,
            // forge-lint: disable-next-line(unsafe-typecast)
            leafIndex: uint32(leafIndex), // < MAX_LEAVES
            ciphertext: req.ciphertext
        });
        _tokenOfCommitment[req.commitment] = tokenId;
        _mint(req.owner, tokenId);
        emit Locked(tokenId);
        emit Issued(req.issuer, req.owner, tokenId, BurnAuth.OwnerOnly);
        emit RecordMinted(
            tokenId,
            req.owner,
            req.schemaId,
            req.commitment,
            req.issuer,
            leafIndex,
            req.expiry,
            req.ciphertext
        );
    }

    /// @inheritdoc IZkSBT
    function burn(uint256 tokenId, uint256[] calldata siblingNodes) external {
        address owner = _requireOwned(tokenId);
        if (owner != msg.sender) revert ZkSBT__NotOwner();
        Record storage rec = _records[tokenId];
        uint256 commitment = rec.commitment;
        if (rec.inTree) _removeLeaf(rec, siblingNodes);
        delete _tokenOfCommitment[commitment];
        delete _records[tokenId];
        _burn(tokenId);
        emit RecordBurned(tokenId, owner, commitment);
    }

    /// @inheritdoc IZkSBT
    function revoke(uint256 tokenId, uint256[] calldata siblingNodes) external {
        _requireOwned(tokenId);
        Record storage rec = _records[tokenId];
        if (rec.issuer == address(0) || rec.issuer != msg.sender) revert ZkSBT__NotIssuer();
        if (rec.revoked) revert ZkSBT__AlreadyRevoked();
        uint256 commitment = rec.commitment;
        if (rec.inTree) _removeLeaf(rec, siblingNodes);
        // the token stays (flagged) as the trace of the revocation; what it held is erased
        rec.revoked = true;
        delete rec.commitment;
        delete rec.ciphertext;
        delete _tokenOfCommitment[commitment];
        emit RecordRevoked(tokenId, msg.sender, commitment);
    }

    /// @inheritdoc IZkSBT
    function expire(uint256 tokenId, uint256[] calldata siblingNodes) external {
        _requireOwned(tokenId);
        Record storage rec = _records[tokenId];
        // expiries and deadlines are timestamps by definition (validators shift them by seconds)
        // forge-lint: disable-next-line(block-timestamp)
        if (!rec.inTree || rec.expiry == 0 || rec.expiry > block.timestamp) revert ZkSBT__NotExpirable();
        _removeLeaf(rec, siblingNodes);
        emit RecordExpired(tokenId, rec.commitment);
    }

    /// @inheritdoc IZkSBT
    function cancelAttestationNonce(uint256 nonce) external {
        _useAttestationNonce(msg.sender, nonce);
        emit AttestationNonceCancelled(msg.sender, nonce);
    }

    // ---------------------------------------------------------------- disclosures

    /// @inheritdoc IZkSBT
    function verifyDisclosure(address consumer, Disclosure calldata d) external view returns (bool) {
        return _checkDisclosure(consumer, d) == bytes4(0);
    }

    /// @inheritdoc IZkSBT
    function consumeDisclosure(Disclosure calldata d) external {
        bytes4 failure = _checkDisclosure(msg.sender, d);
        if (failure != bytes4(0)) {
            assembly ("memory-safe") {
                mstore(0, failure)
                revert(0, 4)
            }
        }
        _nullifierUsed[d.nullifier] = true;
        emit DisclosureConsumed(
            msg.sender,
            d.purpose,
            d.nullifier,
            scopeOf(msg.sender, d.purpose),
            d.mode,
            d.root,
            d.schemaId,
            d.fieldIndex,
            d.operator,
            d.operandA,
            d.operandB,
            d.recipient,
            d.message
        );
    }

    /// @inheritdoc IZkSBT
    function scopeOf(address consumer, bytes32 purpose) public view returns (uint256) {
        return uint256(keccak256(abi.encode(block.chainid, address(this), consumer, purpose))) >> 8;
    }

    /// @inheritdoc IZkSBT
    function messageHashOf(address recipient, bytes32 message) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(recipient, message))) >> 8;
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IZkSBT
    function record(uint256 tokenId) external view returns (Record memory) {
        _requireOwned(tokenId);
        return _records[tokenId];
    }

    /// @inheritdoc IZkSBT
    function root() public view returns (uint256) {
        return _tree._root();
    }

    /// @inheritdoc IZkSBT
    function isKnownRoot(uint256 root_) public view returns (bool) {
        uint256 seq = _rootSeq[root_];
        // 0 is the root of an empty tree (or of a one-leaf tree whose leaf was removed)
        return root_ != 0 && seq != 0 && seq >= validRootsFrom && seq + rootWindow > rootCount;
    }

    /// @notice Number of leaves in the tree (removed leaves stay, as zeros).
    function treeSize() external view returns (uint256) {
        return _tree.size;
    }

    /// @notice Depth of the tree.
    function treeDepth() external view returns (uint256) {
        return _tree.depth;
    }

    /// @notice The live token holding `commitment` (0 if none).
    function tokenOfCommitment(uint256 commitment) external view returns (uint256) {
        return _tokenOfCommitment[commitment];
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
        return _attestationNonceBits[issuer][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
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

    /// @notice Always reverts: tokens are soulbound.
    function approve(address, uint256) public pure override {
        revert ZkSBT__Soulbound();
    }

    /// @notice Always reverts: tokens are soulbound.
    function setApprovalForAll(address, bool) public pure override {
        revert ZkSBT__Soulbound();
    }

    /// @dev Only mints and burns move tokens; every transfer path (`transferFrom`,
    /// `safeTransferFrom`) ends here and reverts.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        from = _ownerOf(tokenId);
        if (from != address(0) && to != address(0)) revert ZkSBT__Soulbound();
        return super._update(to, tokenId, auth);
    }

    // ---------------------------------------------------------------- internals

    function _checkMint(MintRequest calldata req) private view {
        if (req.owner == address(0)) revert ERC721InvalidReceiver(address(0));
        IIssuerRegistry.Schema memory schema = issuers.schema(req.schemaId);
        if (!schema.active) revert ZkSBT__SchemaNotActive(req.schemaId);
        if (req.issuer == address(0)) {
            if (!schema.selfAttestable) revert ZkSBT__AttestationRequired(req.schemaId);
        } else if (!issuers.isIssuer(req.issuer, req.schemaId)) {
            revert ZkSBT__NotAnIssuer(req.issuer, req.schemaId);
        }
        if (req.commitment == 0 || req.commitment >= SNARK_SCALAR_FIELD) revert ZkSBT__InvalidCommitment();
        uint256 holder = _tokenOfCommitment[req.commitment];
        if (holder != 0) revert ZkSBT__CommitmentInUse(holder);
        // forge-lint: disable-next-line(block-timestamp)
        if (req.expiry != 0 && req.expiry <= block.timestamp) revert ZkSBT__InvalidExpiry();
    }

    function _checkConsent(MintRequest calldata req, bytes calldata signature) private {
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > req.consentDeadline) revert ZkSBT__SignatureExpired(req.consentDeadline);
        uint256 expected = _consentNonces[req.owner]++;
        if (req.consentNonce != expected) revert ZkSBT__InvalidNonce(req.owner, expected);
        bytes32 digest = _hashTypedDataV4(
            keccak256(
                abi.encode(
                    CONSENT_TYPEHASH,
                    req.owner,
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
            revert ZkSBT__InvalidConsent();
        }
    }

    function _checkAttestation(MintRequest calldata req, bytes calldata signature) private {
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > req.attestationDeadline) {
            revert ZkSBT__SignatureExpired(req.attestationDeadline);
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
            revert ZkSBT__InvalidAttestation();
        }
    }

    /// @dev The OpenSea-style attributes of `tokenURI` (public fields; the schema URI is the
    /// issuer registry's, a string its owner, the DAO, sets: JSON-escaped).
    function _attributes(Record storage rec) private view returns (string memory) {
        return string.concat(
            '{"trait_type":"schema","value":"',
            rec.schemaId.toString(),
            '"},{"trait_type":"schema_uri","value":"',
            Strings.escapeJSON(issuers.schema(rec.schemaId).uri),
            '"},{"trait_type":"issuer","value":"',
            rec.issuer.toHexString(),
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

    /// @dev Marks `issuer`'s attestation `nonce` used; reverts if it already was (or was cancelled).
    function _useAttestationNonce(address issuer, uint256 nonce) private {
        uint256 bit = 1 << (nonce & 0xff);
        uint256 bits = _attestationNonceBits[issuer][nonce >> 8];
        if (bits & bit != 0) revert ZkSBT__NonceUsed(issuer, nonce);
        _attestationNonceBits[issuer][nonce >> 8] = bits | bit;
    }

    /// @dev Appends the record's leaf; returns its index.
    function _insertLeaf(uint256 commitment, uint64 expiry) private returns (uint256 leafIndex) {
        leafIndex = _tree.size;
        if (leafIndex == MAX_LEAVES) revert ZkSBT__TreeFull();
        uint256 leaf = _leaf(commitment, expiry);
        uint256 newRoot = _tree._insert(leaf);
        _recordRoot(newRoot, false);
        emit LeafInserted(leafIndex, leaf, newRoot);
    }

    /// @dev Sets the record's leaf to zero (LeanIMT checks the siblings against the current
    /// root) and invalidates every earlier root.
    function _removeLeaf(Record storage rec, uint256[] calldata siblingNodes) private {
        uint256 leaf = _leaf(rec.commitment, rec.expiry);
        uint256 newRoot = _tree._remove(leaf, siblingNodes);
        rec.inTree = false;
        _recordRoot(newRoot, true);
        emit LeafRemoved(rec.leafIndex, leaf, newRoot);
    }

    /// @dev A record's tree leaf: `PoseidonT3(commitment, expiry)` (circuits/disclosure.md).
    function _leaf(uint256 commitment, uint64 expiry) private pure returns (uint256) {
        return PoseidonT3.hash([commitment, uint256(expiry)]);
    }

    function _recordRoot(uint256 newRoot, bool removal) private {
        uint256 seq = ++rootCount;
        _rootSeq[newRoot] = seq;
        if (removal) validRootsFrom = seq;
    }

    /// @dev The reason `consumer` cannot consume `d` now, as an error selector (0: it can).
    function _checkDisclosure(address consumer, Disclosure calldata d) private view returns (bytes4) {
        if (d.mode > 1) return ZkSBT__InvalidMode.selector;
        // the nullifier must be canonical too: n and n + p must never count as two nullifiers
        if (
            d.fieldIndex > 7 || d.operator > 6 || d.operandA > type(uint64).max
                || d.operandB > type(uint64).max || d.nullifier >= SNARK_SCALAR_FIELD
        ) {
            return ZkSBT__MalformedStatement.selector;
        }
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp > d.validUntil) return ZkSBT__DisclosureExpired.selector;
        if (d.mode == 1) {
            if (!isKnownRoot(d.root)) return ZkSBT__UnknownRoot.selector;
        } else {
            uint256 tokenId = _tokenOfCommitment[d.root];
            if (tokenId == 0) return ZkSBT__RecordNotUsable.selector;
            Record storage rec = _records[tokenId];
            // forge-lint: disable-next-line(block-timestamp)
            if (rec.revoked || (rec.expiry != 0 && rec.expiry <= block.timestamp)) {
                return ZkSBT__RecordNotUsable.selector;
            }
            if (rec.schemaId != d.schemaId) return ZkSBT__SchemaMismatch.selector;
        }
        if (_nullifierUsed[d.nullifier]) return ZkSBT__NullifierUsed.selector;
        try verifier.verifyProof(d.proof, _publicInputs(consumer, d)) {
            return bytes4(0);
        } catch {
            return ZkSBT__InvalidProof.selector;
        }
    }

    /// @dev The circuit's public inputs, in order (circuits/disclosure.md).
    function _publicInputs(address consumer, Disclosure calldata d)
        private
        view
        returns (uint256[11] memory input)
    {
        input[0] = d.mode;
        input[1] = d.root;
        input[2] = d.schemaId;
        input[3] = d.fieldIndex;
        input[4] = d.operator;
        input[5] = d.operandA;
        input[6] = d.operandB;
        input[7] = scopeOf(consumer, d.purpose);
        input[8] = d.nullifier;
        input[9] = messageHashOf(d.recipient, d.message);
        input[10] = d.validUntil;
    }
}
