// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IIssuerRegistry
/// @notice The record schemas the zkSBT registry accepts and the issuers allowed to attest them.
/// Governed by the DAO timelock.
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

    /// @notice The schema `schemaId` (all fields zero if unknown).
    function schema(uint256 schemaId) external view returns (Schema memory);

    /// @notice Whether `schemaId` is registered (active or not).
    function schemaExists(uint256 schemaId) external view returns (bool);

    /// @notice Whether `issuer` is active and may attest records of `schemaId`.
    function isIssuer(address issuer, uint256 schemaId) external view returns (bool);
}
