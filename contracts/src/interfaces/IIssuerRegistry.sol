// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IIssuerRegistry
/// @notice The record schemas the zkSBT registry accepts and the issuers allowed to attest them.
/// Governed by the DAO timelock. Besides the registered issuers, the oracle network's nodes attest
/// the schemas it serves: the signing key of a node that is active *now* in {oracleNodes}
/// (registered, staked, not unbonding, not jailed) is an issuer of every schema marked
/// {oracleServes}, checked live at each mint, so a node that unbonds or is jailed stops being
/// trusted in the same block.
interface IIssuerRegistry {
    /// @notice A record schema.
    /// @param uri Where the schema (field names, units, meaning) is described.
    /// @param selfAttestable Whether a record may be minted without an issuer's attestation.
    /// @param active Whether new records of this schema may be minted.
    struct Schema {
        string uri;
        bool selfAttestable;
        bool active;
    }

    /// @notice An issuer to register at construction.
    struct IssuerInit {
        address issuer;
        string name;
        uint256[] schemaIds;
    }

    /// @notice The oracle network's attestation rights at construction: the node registry whose
    /// active nodes attest (zero: none), and the registered schemas they attest.
    struct OracleInit {
        address nodes;
        uint256[] schemaIds;
    }

    /// @notice A schema to register at construction.
    struct SchemaInit {
        uint256 schemaId;
        Schema schema;
    }

    /// @notice Emitted when a schema is registered or changed.
    event SchemaSet(uint256 indexed schemaId, string uri, bool selfAttestable, bool active);

    /// @notice Emitted when an issuer is registered, renamed, activated or deactivated.
    event IssuerSet(address indexed issuer, string name, bool active);

    /// @notice Emitted when an issuer is allowed or disallowed to attest a schema.
    event IssuerSchemaSet(address indexed issuer, uint256 indexed schemaId, bool allowed);

    /// @notice Emitted when the oracle node registry whose active nodes attest is set.
    event OracleNodesSet(address indexed nodes);

    /// @notice Emitted when the oracle network starts or stops attesting `schemaId`.
    event OracleSchemaSet(uint256 indexed schemaId, bool served);

    /// @notice The schema id is zero or not a field element of the circuit.
    error IssuerRegistry__InvalidSchemaId(uint256 schemaId);

    /// @notice The schema is not registered.
    error IssuerRegistry__UnknownSchema(uint256 schemaId);

    /// @notice The issuer address is zero.
    error IssuerRegistry__ZeroIssuer();

    /// @notice Ownership cannot be renounced: the registry would be frozen.
    error IssuerRegistry__RenounceDisabled();

    /// @notice Registers or changes a schema (owner only).
    function setSchema(uint256 schemaId, Schema calldata schema) external;

    /// @notice Registers, renames, activates or deactivates an issuer (owner only).
    function setIssuer(address issuer, string calldata name, bool active) external;

    /// @notice Allows or disallows `issuer` to attest records of `schemaId` (owner only).
    function setIssuerSchema(address issuer, uint256 schemaId, bool allowed) external;

    /// @notice Sets the oracle node registry whose active nodes' keys attest the served schemas
    /// (owner only; zero: no oracle attestations).
    function setOracleNodes(address nodes) external;

    /// @notice Lets the oracle network's active nodes attest `schemaId`, or stops it (owner only).
    function setOracleSchema(uint256 schemaId, bool served) external;

    /// @notice The oracle node registry (zero if none).
    function oracleNodes() external view returns (address);

    /// @notice Whether the oracle network's active nodes attest `schemaId`.
    function oracleServes(uint256 schemaId) external view returns (bool);

    /// @notice The schema `schemaId` (all fields zero if unknown).
    function schema(uint256 schemaId) external view returns (Schema memory);

    /// @notice Whether `schemaId` is registered (active or not).
    function schemaExists(uint256 schemaId) external view returns (bool);

    /// @notice Whether `issuer` may attest records of `schemaId` now: a registered, active issuer
    /// allowed that schema, or the key of an active oracle node for a schema the network serves.
    function isIssuer(address issuer, uint256 schemaId) external view returns (bool);
}
