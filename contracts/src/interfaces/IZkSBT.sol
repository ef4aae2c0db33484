// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IZkSBT
/// @notice Soulbound data tokens: each holds the commitment to a person's record and the record
/// encrypted to its owner; owners prove statements about their records in zero knowledge,
/// directly (naming the token, against its leaf) or anonymously (against a root of one of the
/// registry's trees of live records). Every leaf is
/// `Poseidon5(commitment, schemaId, issuer, expiry, identity)` with the values the registry
/// checked at mint, so a proof can only claim the schema and attestation class (issuer) the
/// registry accepted, under the owner wallet's registered identity. Each proof is bound to its
/// consumer, purpose, recipient and message, and usable only until its `validUntil`, which must
/// come before the record's expiry.
interface IZkSBT {
    /// @notice A mint: the record, its owner's consent and, if attested, its issuer's attestation.
    /// @param owner Who receives the token and signed the consent (EOA or ERC-1271 account).
    /// @param identity The owner wallet's identity commitment `Poseidon1(ownerSecret)`: registered
    /// at the wallet's first mint, and every later mint of the wallet must repeat it (nonzero,
    /// below the BN254 scalar field; signed in the consent).
    /// @param schemaId The record's schema (registered in the issuer registry).
    /// @param commitment Poseidon commitment to the record (circuits/disclosure.md).
    /// @param ciphertext The record sealed to the owner's encryption key.
    /// @param issuer The attesting issuer, or zero for a self-attested record.
    /// @param expiry When the record stops being provable (0: never).
    /// @param consentNonce The owner's next consent nonce.
    /// @param consentDeadline Last second the consent is valid.
    /// @param attestationNonce Any nonce the issuer has not used or cancelled (unordered, as
    /// Permit2's: an issuer signs many attestations at once, submitted in any order; ignored
    /// without issuer).
    /// @param attestationDeadline Last second the attestation is valid (ignored without issuer).
    struct MintRequest {
        address owner;
        uint256 identity;
        uint256 schemaId;
        uint256 commitment;
        bytes ciphertext;
        address issuer;
        uint64 expiry;
        uint256 consentNonce;
        uint256 consentDeadline;
        uint256 attestationNonce;
        uint256 attestationDeadline;
    }

    /// @notice What a token holds.
    /// @param schemaId The record's schema.
    /// @param commitment The record's commitment (zero once revoked; a burned token has no record).
    /// @param issuer The attesting issuer (zero: self-attested).
    /// @param issuedAt Mint time.
    /// @param expiry Expiry time (0: never).
    /// @param revoked Whether the issuer revoked it.
    /// @param inTree Whether its leaf is still in its tree (false once burned, revoked or expired).
    /// @param treeId The tree its leaf was inserted into.
    /// @param leafIndex Its leaf index in that tree.
    /// @param ciphertext The record sealed to its owner.
    struct Record {
        uint256 schemaId;
        uint256 commitment;
        address issuer;
        uint64 issuedAt;
        uint64 expiry;
        bool revoked;
        bool inTree;
        uint32 treeId;
        uint32 leafIndex;
        bytes ciphertext;
    }

    /// @notice A zero-knowledge disclosure about a record.
    /// @param mode 0 direct (about the token `tokenId`; `root` is its leaf), 1 anonymous (`root`
    /// is a known root of one of the trees; `tokenId` is 0).
    /// @param tokenId The token a direct disclosure is about (0 in anonymous mode).
    /// @param root Direct: the token's leaf; anonymous: a tree root.
    /// @param schemaId The record's schema (as the registry checked it at mint).
    /// @param issuerSet 0 (any attestation class, self-attested included) or
    /// `Poseidon4(members)` of 1..4 accepted issuers ({issuerSetOf}; `address(0)` as a member
    /// accepts self-attested records).
    /// @param fieldIndex Which field the statement is about (0-7).
    /// @param operator 0 ==, 1 !=, 2 <, 3 <=, 4 >, 5 >=, 6 in [operandA, operandB].
    /// @param operandA First operand (< 2^64).
    /// @param operandB Range upper bound (< 2^64; 0 unless operator 6).
    /// @param purpose The consumer's purpose; with the consumer it fixes the nullifier scope.
    /// @param nullifier Poseidon(ownerSecret, scope): one disclosure per identity per scope.
    /// @param recipient The address the disclosure benefits, bound into the proof.
    /// @param message Application data bound into the proof.
    /// @param validUntil The proof holds until this time: the record had not expired by then;
    /// rejected once `block.timestamp > validUntil`.
    /// @param proof The Groth16 proof (A, B, C; EIP-197 encoding).
    struct Disclosure {
        uint256 mode;
        uint256 tokenId;
        uint256 root;
        uint256 schemaId;
        uint256 issuerSet;
        uint256 fieldIndex;
        uint256 operator;
        uint256 operandA;
        uint256 operandB;
        bytes32 purpose;
        uint256 nullifier;
        address recipient;
        bytes32 message;
        uint64 validUntil;
        uint256[8] proof;
    }

    /// @notice Deployment parameters.
    /// @param treeDepth Each tree holds `2^treeDepth` leaves (1..20; immutable).
    /// @param rootHistory Seconds a replaced root stays valid ({setRootHistory} bounds).
    /// @param selfAttestedMintFee MASA charged for a self-attested mint.
    /// @param attestedMintFee MASA charged for an attested mint.
    struct Config {
        uint8 treeDepth;
        uint64 rootHistory;
        uint256 selfAttestedMintFee;
        uint256 attestedMintFee;
    }

    /// @notice Emitted at mint (the ciphertext is the record sealed to its owner).
    /// @param tokenId The new token.
    /// @param owner Its owner.
    /// @param schemaId Its schema.
    /// @param commitment The record's commitment.
    /// @param issuer The attesting issuer (zero: self-attested).
    /// @param treeId The tree its leaf went into.
    /// @param leafIndex Its leaf index in that tree.
    /// @param expiry Its expiry (0: never).
    /// @param ciphertext The record sealed to its owner.
    event RecordMinted(
        uint256 indexed tokenId,
        address indexed owner,
        uint256 indexed schemaId,
        uint256 commitment,
        address issuer,
        uint256 treeId,
        uint256 leafIndex,
        uint64 expiry,
        bytes ciphertext
    );

    /// @notice Emitted when the owner burns a token (its record is erased).
    event RecordBurned(uint256 indexed tokenId, address indexed owner, uint256 commitment);

    /// @notice Emitted when the issuer revokes a record.
    event RecordRevoked(uint256 indexed tokenId, address indexed issuer, uint256 commitment);

    /// @notice Emitted when an expired record is taken out of its tree.
    event RecordExpired(uint256 indexed tokenId, uint256 commitment);

    /// @notice Emitted when a record's leaf is appended to tree `treeId` at `index`.
    /// @param treeId The tree.
    /// @param index The leaf's index in it.
    /// @param leaf `Poseidon5(commitment, schemaId, issuer, expiry, identity)`.
    /// @param root The tree's new root.
    event LeafInserted(uint256 indexed treeId, uint256 indexed index, uint256 leaf, uint256 root);

    /// @notice Emitted when a record's leaf is set to zero (burn, revoke, expiry). The tree's
    /// earlier roots stay valid for {rootHistory} seconds from now.
    /// @param treeId The tree.
    /// @param index The leaf's index in it.
    /// @param leaf The value the leaf had.
    /// @param root The tree's new root.
    event LeafRemoved(uint256 indexed treeId, uint256 indexed index, uint256 leaf, uint256 root);

    /// @notice Emitted at a wallet's first mint: its identity commitment, fixed from now on.
    event IdentityRegistered(address indexed owner, uint256 identity);

    /// @notice Emitted when an issuer cancels an attestation nonce.
    event AttestationNonceCancelled(address indexed issuer, uint256 nonce);

    /// @notice Emitted when a disclosure is consumed (never any private data).
    event DisclosureConsumed(
        address indexed consumer,
        bytes32 indexed purpose,
        uint256 indexed nullifier,
        uint256 scope,
        uint256 mode,
        uint256 tokenId,
        uint256 root,
        uint256 schemaId,
        uint256 issuerSet,
        uint256 fieldIndex,
        uint256 operator,
        uint256 operandA,
        uint256 operandB,
        address recipient,
        bytes32 message
    );

    /// @notice Emitted when a mint fee is pulled from the minter (`msg.sender` of {mint}).
    event MintFeePaid(address indexed payer, uint256 indexed tokenId, uint256 amount);

    /// @notice Emitted when the held MASA is paid to the fee router.
    event FeesForwarded(uint256 amount);

    /// @notice Emitted when governance sets the mint fees (and at construction).
    event MintFeesSet(uint256 selfAttested, uint256 attested);

    /// @notice Emitted when governance sets the root history (and at construction).
    event RootHistorySet(uint64 rootHistory);

    /// @notice Tokens are soulbound: no transfer, no approval.
    error ZkSBT__Soulbound();
    /// @notice The schema is unknown or inactive.
    error ZkSBT__SchemaNotActive(uint256 schemaId);
    /// @notice The schema needs an issuer's attestation.
    error ZkSBT__AttestationRequired(uint256 schemaId);
    /// @notice The issuer is not registered and active for the schema.
    error ZkSBT__NotAnIssuer(address issuer, uint256 schemaId);
    /// @notice The commitment is zero or not a field element.
    error ZkSBT__InvalidCommitment(uint256 commitment);
    /// @notice The identity commitment is zero or not a field element.
    error ZkSBT__InvalidIdentity(uint256 identity);
    /// @notice The owner registered another identity at its first mint.
    error ZkSBT__IdentityMismatch(address owner, uint256 registered);
    /// @notice The expiry is not after the current time (`timestamp`).
    error ZkSBT__InvalidExpiry(uint64 expiry, uint256 timestamp);
    /// @notice A signature's deadline has passed (`timestamp > deadline`).
    error ZkSBT__SignatureExpired(uint256 deadline, uint256 timestamp);
    /// @notice A signature's nonce is not the signer's next one.
    error ZkSBT__InvalidNonce(address signer, uint256 expected);
    /// @notice The issuer already used or cancelled this attestation nonce.
    error ZkSBT__NonceUsed(address issuer, uint256 nonce);
    /// @notice The consent signature is not `owner`'s.
    error ZkSBT__InvalidConsent(address owner);
    /// @notice The attestation signature is not `issuer`'s.
    error ZkSBT__InvalidAttestation(address issuer);
    /// @notice Only the token's owner may do this.
    error ZkSBT__NotOwner(address caller, address owner);
    /// @notice Only the record's issuer may do this (`issuer` is zero for a self-attested record).
    error ZkSBT__NotIssuer(address caller, address issuer);
    /// @notice The record is already revoked.
    error ZkSBT__AlreadyRevoked(uint256 tokenId);
    /// @notice The record has not expired (`expiry` is 0 or after `timestamp`), or is already out
    /// of the tree.
    error ZkSBT__NotExpirable(uint256 tokenId, uint64 expiry, uint256 timestamp);
    /// @notice The disclosure's mode is neither 0 nor 1.
    error ZkSBT__InvalidMode(uint256 mode);
    /// @notice The field index, operator, operands or issuer set are out of range, the nullifier
    /// is not a canonical field element, or an anonymous disclosure names a token.
    error ZkSBT__MalformedStatement();
    /// @notice The disclosure's `validUntil` has passed (`timestamp > validUntil`).
    error ZkSBT__DisclosureExpired(uint64 validUntil, uint256 timestamp);
    /// @notice The root is not a tree's current root, nor one replaced less than {rootHistory}
    /// seconds before it was replaced.
    error ZkSBT__UnknownRoot(uint256 root);
    /// @notice The token is not live (burned, revoked, expired or never minted) or the
    /// disclosure's `root` is not its leaf.
    error ZkSBT__RecordNotUsable(uint256 tokenId);
    /// @notice The statement's schema (`schemaId`) is not the record's (`recordSchemaId`).
    error ZkSBT__SchemaMismatch(uint256 schemaId, uint256 recordSchemaId);
    /// @notice The nullifier was already used in this scope.
    error ZkSBT__NullifierUsed(uint256 nullifier);
    /// @notice The proof does not verify for these public inputs.
    error ZkSBT__InvalidProof();
    /// @notice An issuer set has 1 to 4 members, not `members`.
    error ZkSBT__InvalidIssuerSet(uint256 members);
    /// @notice The tree depth is not in 1..20.
    error ZkSBT__InvalidTreeDepth(uint256 treeDepth);
    /// @notice The root history is outside [MIN_ROOT_HISTORY, MAX_ROOT_HISTORY].
    error ZkSBT__InvalidRootHistory(uint64 rootHistory);
    /// @notice A constructor address was zero.
    error ZkSBT__ZeroAddress();
    /// @notice The owner cannot renounce: fees and the root history could never change again.
    error ZkSBT__RenounceDisabled();

    /// @notice Mints a token for `req.owner` with its consent and, if attested, the issuer's,
    /// and pulls the mint fee in MASA from the caller (who approved this contract).
    /// @dev Registers `req.identity` at the owner's first mint ({IdentityRegistered}). Appends the
    /// leaf to the current tree, or to a new one when it is full. Emits {RecordMinted},
    /// {LeafInserted}, `Locked`, `Issued` and, for a nonzero fee, {MintFeePaid}. Reverts with
    /// the mint errors above, or the MASA token's `ERC20InsufficientAllowance` /
    /// `ERC20InsufficientBalance` when the fee is not paid.
    /// @return tokenId The new token.
    function mint(MintRequest calldata req, bytes calldata consent, bytes calldata attestation)
        external
        returns (uint256 tokenId);

    /// @notice Burns the caller's token: erases its record and sets its leaf to zero. Needs no
    /// witness: no other transaction can make it fail.
    /// @dev Emits {LeafRemoved} (if the leaf was still in its tree) and {RecordBurned}.
    function burn(uint256 tokenId) external;

    /// @notice Revokes a record the caller issued: it can no longer be proven; the token stays,
    /// flagged, with its commitment and ciphertext erased.
    /// @dev Emits {LeafRemoved} (if in the tree) and {RecordRevoked}; reverts with
    /// {ZkSBT__NotIssuer} or {ZkSBT__AlreadyRevoked}.
    function revoke(uint256 tokenId) external;

    /// @notice Takes an expired record's leaf out of its tree (anyone may call). Not needed to
    /// stop disclosures (an expired record has no valid proof, see {Disclosure}); it keeps the
    /// trees to live records.
    /// @dev Emits {LeafRemoved} and {RecordExpired}; reverts with {ZkSBT__NotExpirable}.
    function expire(uint256 tokenId) external;

    /// @notice Cancels one of the caller's (an issuer's) attestation nonces: an attestation signed
    /// with it, not yet used in a mint, can no longer be.
    function cancelAttestationNonce(uint256 nonce) external;

    /// @notice Pays everything this registry holds in MASA (the mint fees, and any MASA sent here
    /// directly, which thereby becomes a fee) to the fee router, which burns its share and
    /// distributes the rest. Anyone may call; does nothing when nothing is held.
    /// @dev Emits {FeesForwarded} (and the router's `FeePaid`/`FeeDistributed`).
    /// @return amount The MASA forwarded.
    function forwardFees() external returns (uint256 amount);

    /// @notice Sets the mint fees in MASA (owner only: the DAO timelock).
    /// @dev Emits {MintFeesSet}.
    function setMintFees(uint256 selfAttested, uint256 attested) external;

    /// @notice Sets how long a replaced root stays valid, in [MIN_ROOT_HISTORY, MAX_ROOT_HISTORY]
    /// (owner only). Applies to roots replaced from now on; a root already replaced keeps the
    /// deadline it got then (a change never revives an old root).
    /// @dev Emits {RootHistorySet}; reverts with {ZkSBT__InvalidRootHistory}.
    function setRootHistory(uint64 rootHistory) external;

    /// @notice Whether `consumer` could consume `d` now (never reverts for a bad disclosure).
    function verifyDisclosure(address consumer, Disclosure calldata d) external view returns (bool);

    /// @notice Verifies `d` for the caller as consumer, records its nullifier and emits
    /// {DisclosureConsumed}; reverts with the reason otherwise.
    function consumeDisclosure(Disclosure calldata d) external;

    /// @notice Reverts, with the error {consumeDisclosure} would, unless everything about `d` but
    /// its proof holds now: the mode and ranges, the validity, the root (anonymous) or the token's
    /// live record and schema (direct), and the nullifier unused here. For consumers that verify
    /// a proof of a circuit extending the disclosure (a data pool's delivery proof, whose first 12
    /// public inputs are the disclosure's, with the scope and message hash computed as here): they
    /// verify that proof themselves and keep their own nullifiers, since only they consume their
    /// scope.
    function checkStatement(Disclosure calldata d) external view;

    /// @notice The nullifier scope of `consumer` for `purpose` on this registry and chain.
    function scopeOf(address consumer, bytes32 purpose) external view returns (uint256);

    /// @notice The message hash binding `recipient` and `message` into a proof.
    function messageHashOf(address recipient, bytes32 message) external pure returns (uint256);

    /// @notice The issuer-set public input for `members` (1..4 addresses, `address(0)` for
    /// self-attested): `Poseidon4` of the members as uint160, padded by repeating the first.
    /// @dev Reverts with {ZkSBT__InvalidIssuerSet} for 0 or more than 4 members.
    function issuerSetOf(address[] calldata members) external view returns (uint256);

    /// @notice The record of `tokenId`.
    function record(uint256 tokenId) external view returns (Record memory);

    /// @notice Whether `tokenId`'s record is in a tree (minted, not burned, revoked nor taken out
    /// at its expiry), and its expiry (0: never): a direct disclosure about it can be checked
    /// while it is in a tree, before its expiry. {record} without the ciphertext, for contracts.
    /// @dev Does not revert: a token never minted or burned is not in a tree.
    function recordState(uint256 tokenId) external view returns (bool inTree, uint64 expiry);

    /// @notice The identity commitment `owner` registered at its first mint (0: none yet).
    function identityOf(address owner) external view returns (uint256);

    /// @notice The current tree's root.
    function root() external view returns (uint256);

    /// @notice The id of the tree the next mint goes into (or the full tree before it).
    function currentTree() external view returns (uint256);

    /// @notice Leaves per tree: `2^treeDepth`.
    function treeDepth() external view returns (uint8);

    /// @notice The current root of tree `treeId` (0 if empty or not started).
    function treeRoot(uint256 treeId) external view returns (uint256);

    /// @notice Number of leaves in tree `treeId` (removed leaves stay, as zeros).
    function treeSize(uint256 treeId) external view returns (uint256);

    /// @notice The LeanIMT depth of tree `treeId`: `ceil(log2(size))`.
    function treeDepthOf(uint256 treeId) external view returns (uint256);

    /// @notice Leaf `index` of tree `treeId` (0 if removed or not inserted).
    function leafAt(uint256 treeId, uint256 index) external view returns (uint256);

    /// @notice Until when `root` is accepted: `type(uint64).max` while it is a tree's current
    /// root, the last accepted second once replaced, 0 if it never was a root.
    function rootDeadline(uint256 root) external view returns (uint256);

    /// @notice Whether an anonymous disclosure may use `root` now: nonzero, and a tree's current
    /// root or replaced at most {rootHistory} seconds before the deadline it got.
    function isKnownRoot(uint256 root) external view returns (bool);

    /// @notice Seconds a replaced root stays valid.
    function rootHistory() external view returns (uint64);

    /// @notice The mint fees in MASA.
    function mintFees() external view returns (uint256 selfAttested, uint256 attested);

    /// @notice The MASA {forwardFees} would forward now (this registry's MASA balance).
    function pendingFees() external view returns (uint256);
}
