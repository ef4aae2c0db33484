// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IZkSBT
/// @notice Soulbound data tokens: each holds the commitment to a person's record and the record
/// encrypted to its owner; owners prove statements about their records in zero knowledge,
/// directly (against the token's commitment) or anonymously (against the tree of all live
/// records, each leaf `PoseidonT3(commitment, expiry)`). Each proof is bound to its consumer,
/// purpose, recipient and message, and usable only until its `validUntil`, which must come before
/// the record's expiry.
interface IZkSBT {
    /// @notice A mint: the record, its owner's consent and, if attested, its issuer's attestation.
    /// @param owner Who receives the token and signed the consent (EOA or ERC-1271 account).
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
    /// @param inTree Whether its leaf `PoseidonT3(commitment, expiry)` is still in the anonymity tree.
    /// @param leafIndex Its leaf index in the tree.
    /// @param ciphertext The record sealed to its owner.
    struct Record {
        uint256 schemaId;
        uint256 commitment;
        address issuer;
        uint64 issuedAt;
        uint64 expiry;
        bool revoked;
        bool inTree;
        uint32 leafIndex;
        bytes ciphertext;
    }

    /// @notice A zero-knowledge disclosure about a record.
    /// @param mode 0 direct (`root` is the record's commitment), 1 anonymous (`root` is a root of
    /// the tree of leaves `PoseidonT3(commitment, expiry)`).
    /// @param root The commitment or tree root the proof is for.
    /// @param schemaId The record's schema.
    /// @param fieldIndex Which field the statement is about (0-7).
    /// @param operator 0 ==, 1 !=, 2 <, 3 <=, 4 >, 5 >=, 6 in [operandA, operandB].
    /// @param operandA First operand (< 2^64).
    /// @param operandB Range upper bound (< 2^64; 0 unless operator 6).
    /// @param purpose The consumer's purpose; with the consumer it fixes the nullifier scope.
    /// @param nullifier Poseidon(ownerSecret, scope): one disclosure per owner per scope.
    /// @param recipient The address the disclosure benefits, bound into the proof.
    /// @param message Application data bound into the proof.
    /// @param validUntil The proof holds until this time: the record had not expired by then;
    /// rejected once `block.timestamp > validUntil`.
    /// @param proof The Groth16 proof (A, B, C; EIP-197 encoding).
    struct Disclosure {
        uint256 mode;
        uint256 root;
        uint256 schemaId;
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

    /// @notice Emitted at mint (the ciphertext is the record sealed to its owner).
    event RecordMinted(
        uint256 indexed tokenId,
        address indexed owner,
        uint256 indexed schemaId,
        uint256 commitment,
        address issuer,
        uint256 leafIndex,
        uint64 expiry,
        bytes ciphertext
    );

    /// @notice Emitted when the owner burns a token (its record is erased).
    event RecordBurned(uint256 indexed tokenId, address indexed owner, uint256 commitment);

    /// @notice Emitted when the issuer revokes a record.
    event RecordRevoked(uint256 indexed tokenId, address indexed issuer, uint256 commitment);

    /// @notice Emitted when an expired record is taken out of the tree.
    event RecordExpired(uint256 indexed tokenId, uint256 commitment);

    /// @notice Emitted when a record's leaf `PoseidonT3(commitment, expiry)` is appended to the tree.
    event LeafInserted(uint256 indexed index, uint256 leaf, uint256 root);

    /// @notice Emitted when a record's leaf (`leaf`, the value inserted) is set to zero (burn,
    /// revoke, expiry). Roots recorded before this event are no longer accepted.
    event LeafRemoved(uint256 indexed index, uint256 leaf, uint256 root);

    /// @notice Emitted when an issuer cancels an attestation nonce.
    event AttestationNonceCancelled(address indexed issuer, uint256 nonce);

    /// @notice Emitted when a disclosure is consumed (never any private data).
    event DisclosureConsumed(
        address indexed consumer,
        bytes32 indexed purpose,
        uint256 indexed nullifier,
        uint256 scope,
        uint256 mode,
        uint256 root,
        uint256 schemaId,
        uint256 fieldIndex,
        uint256 operator,
        uint256 operandA,
        uint256 operandB,
        address recipient,
        bytes32 message
    );

    /// @notice Tokens are soulbound: no transfer, no approval.
    error ZkSBT__Soulbound();
    /// @notice The schema is unknown or inactive.
    error ZkSBT__SchemaNotActive(uint256 schemaId);
    /// @notice The schema needs an issuer's attestation.
    error ZkSBT__AttestationRequired(uint256 schemaId);
    /// @notice The issuer is not registered and active for the schema.
    error ZkSBT__NotAnIssuer(address issuer, uint256 schemaId);
    /// @notice The commitment is zero or not a field element.
    error ZkSBT__InvalidCommitment();
    /// @notice A live token already holds this commitment.
    error ZkSBT__CommitmentInUse(uint256 tokenId);
    /// @notice The expiry is in the past.
    error ZkSBT__InvalidExpiry();
    /// @notice A signature's deadline has passed.
    error ZkSBT__SignatureExpired(uint256 deadline);
    /// @notice A signature's nonce is not the signer's next one.
    error ZkSBT__InvalidNonce(address signer, uint256 expected);
    /// @notice The issuer already used or cancelled this attestation nonce.
    error ZkSBT__NonceUsed(address issuer, uint256 nonce);
    /// @notice The owner's consent signature is not valid.
    error ZkSBT__InvalidConsent();
    /// @notice The issuer's attestation signature is not valid.
    error ZkSBT__InvalidAttestation();
    /// @notice Only the token's owner may do this.
    error ZkSBT__NotOwner();
    /// @notice Only the record's issuer may do this.
    error ZkSBT__NotIssuer();
    /// @notice The record is already revoked.
    error ZkSBT__AlreadyRevoked();
    /// @notice The record has not expired, or is already out of the tree.
    error ZkSBT__NotExpirable();
    /// @notice The tree holds `MAX_LEAVES` leaves, the most the circuit can prove membership in.
    error ZkSBT__TreeFull();
    /// @notice The disclosure's mode is neither 0 nor 1.
    error ZkSBT__InvalidMode();
    /// @notice The field index, operator or operands are out of range, or the nullifier is not a
    /// canonical field element.
    error ZkSBT__MalformedStatement();
    /// @notice The disclosure's `validUntil` has passed.
    error ZkSBT__DisclosureExpired();
    /// @notice The root is not a recent tree root (or predates a removal).
    error ZkSBT__UnknownRoot();
    /// @notice No live record has this commitment (burned, revoked, expired or never minted).
    error ZkSBT__RecordNotUsable();
    /// @notice The statement's schema is not the record's.
    error ZkSBT__SchemaMismatch();
    /// @notice The nullifier was already used in this scope.
    error ZkSBT__NullifierUsed();
    /// @notice The proof does not verify for these public inputs.
    error ZkSBT__InvalidProof();

    /// @notice Mints a token for `req.owner` with its consent and, if attested, the issuer's.
    function mint(MintRequest calldata req, bytes calldata consent, bytes calldata attestation)
        external
        returns (uint256 tokenId);

    /// @notice Burns the caller's token: erases its record and removes its leaf from the tree.
    /// @param siblingNodes The leaf's LeanIMT sibling nodes (empty if already out of the tree).
    function burn(uint256 tokenId, uint256[] calldata siblingNodes) external;

    /// @notice Revokes a record the caller issued: it can no longer be proven.
    function revoke(uint256 tokenId, uint256[] calldata siblingNodes) external;

    /// @notice Takes an expired record's leaf out of the tree (anyone may call). Not needed to stop
    /// disclosures (an expired record has no valid proof, see {Disclosure}); it keeps the tree to
    /// live records.
    function expire(uint256 tokenId, uint256[] calldata siblingNodes) external;

    /// @notice Cancels one of the caller's (an issuer's) attestation nonces: an attestation signed
    /// with it, not yet used in a mint, can no longer be.
    function cancelAttestationNonce(uint256 nonce) external;

    /// @notice Whether `consumer` could consume `d` now (never reverts for a bad disclosure).
    function verifyDisclosure(address consumer, Disclosure calldata d) external view returns (bool);

    /// @notice Verifies `d` for the caller as consumer, records its nullifier and emits
    /// {DisclosureConsumed}; reverts with the reason otherwise.
    function consumeDisclosure(Disclosure calldata d) external;

    /// @notice The nullifier scope of `consumer` for `purpose` on this registry and chain.
    function scopeOf(address consumer, bytes32 purpose) external view returns (uint256);

    /// @notice The message hash binding `recipient` and `message` into a proof.
    function messageHashOf(address recipient, bytes32 message) external pure returns (uint256);

    /// @notice The record of `tokenId`.
    function record(uint256 tokenId) external view returns (Record memory);

    /// @notice The current tree root.
    function root() external view returns (uint256);

    /// @notice Whether an anonymous disclosure may use `root` now.
    function isKnownRoot(uint256 root) external view returns (bool);
}
