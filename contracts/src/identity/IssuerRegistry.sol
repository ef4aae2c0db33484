// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IIssuerRegistry} from "../interfaces/IIssuerRegistry.sol";
import {IOracleNodes} from "../interfaces/IOracleNodes.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

/// @title IssuerRegistry
/// @notice Record schemas and the issuers allowed to attest them. See {IIssuerRegistry}.
/// @dev Owned by the DAO timelock ({Ownable2Step}, no renounce). The initial schemas and issuers
/// are registered in the constructor, so no deployer key ever holds the registry. An issuer may
/// attest a list of schemas ({setIssuerSchema}) or every registered schema ({setIssuerAnySchema}).
contract IssuerRegistry is IIssuerRegistry, Ownable2Step {
    /// @dev The BN254 scalar field: schema ids are public inputs of the disclosure circuit.
    uint256 private constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    struct IssuerInfo {
        string name;
        bool active;
    }

    mapping(uint256 schemaId => Schema) private _schemas;
    mapping(uint256 schemaId => bool) private _schemaExists;
    mapping(address issuer => IssuerInfo) private _issuers;
    mapping(address issuer => mapping(uint256 schemaId => bool)) private _mayAttest;
    mapping(address issuer => bool) private _mayAttestAny;
    IOracleNodes private _oracleNodes;
    mapping(uint256 schemaId => bool) private _oracleServes;

    /// @notice Emitted when an issuer is allowed or disallowed to attest every registered schema.
    event IssuerAnySchemaSet(address indexed issuer, bool allowed);

    /// @param owner_ The DAO timelock.
    /// @param schemas Schemas to register.
    /// @param issuers Issuers to register (active) with the schemas each may attest.
    /// @param oracle The oracle node registry whose active nodes attest, and the schemas they attest.
    constructor(
        address owner_,
        SchemaInit[] memory schemas,
        IssuerInit[] memory issuers,
        OracleInit memory oracle
    ) Ownable(owner_) {
        for (uint256 i; i < schemas.length; ++i) {
            _setSchema(schemas[i].schemaId, schemas[i].schema);
        }
        for (uint256 i; i < issuers.length; ++i) {
            IssuerInit memory init = issuers[i];
            _setIssuer(init.issuer, init.name, true);
            for (uint256 j; j < init.schemaIds.length; ++j) {
                _setIssuerSchema(init.issuer, init.schemaIds[j], true);
            }
        }
        _setOracleNodes(oracle.nodes);
        for (uint256 i; i < oracle.schemaIds.length; ++i) {
            _setOracleSchema(oracle.schemaIds[i], true);
        }
    }

    /// @inheritdoc IIssuerRegistry
    function setSchema(uint256 schemaId, Schema calldata schema_) external onlyOwner {
        _setSchema(schemaId, schema_);
    }

    /// @inheritdoc IIssuerRegistry
    function setIssuer(address issuer, string calldata name, bool active) external onlyOwner {
        _setIssuer(issuer, name, active);
    }

    /// @inheritdoc IIssuerRegistry
    function setIssuerSchema(address issuer, uint256 schemaId, bool allowed) external onlyOwner {
        _setIssuerSchema(issuer, schemaId, allowed);
    }

    /// @inheritdoc IIssuerRegistry
    function setOracleNodes(address nodes) external onlyOwner {
        _setOracleNodes(nodes);
    }

    /// @inheritdoc IIssuerRegistry
    function setOracleSchema(uint256 schemaId, bool served) external onlyOwner {
        _setOracleSchema(schemaId, served);
    }

    /// @notice Allows or disallows `issuer` to attest records of every registered schema, present
    /// and future (owner only). Per-schema permissions set by {setIssuerSchema} are kept.
    /// @param issuer The issuer.
    /// @param allowed Whether it may attest any registered schema.
    function setIssuerAnySchema(address issuer, bool allowed) external onlyOwner {
        if (issuer == address(0)) revert IssuerRegistry__ZeroIssuer();
        _mayAttestAny[issuer] = allowed;
        emit IssuerAnySchemaSet(issuer, allowed);
    }

    /// @notice Disabled: a registry without an owner could never add schemas or drop issuers.
    function renounceOwnership() public view override onlyOwner {
        revert IssuerRegistry__RenounceDisabled();
    }

    /// @inheritdoc IIssuerRegistry
    function schema(uint256 schemaId) external view returns (Schema memory) {
        return _schemas[schemaId];
    }

    /// @inheritdoc IIssuerRegistry
    function schemaExists(uint256 schemaId) external view returns (bool) {
        return _schemaExists[schemaId];
    }

    /// @inheritdoc IIssuerRegistry
    function isIssuer(address issuer, uint256 schemaId) external view returns (bool) {
        if (
            _issuers[issuer].active
                && (_mayAttest[issuer][schemaId] || (_mayAttestAny[issuer] && _schemaExists[schemaId]))
        ) return true;
        return _isActiveOracleNode(issuer, schemaId);
    }

    /// @inheritdoc IIssuerRegistry
    function oracleNodes() external view returns (address) {
        return address(_oracleNodes);
    }

    /// @inheritdoc IIssuerRegistry
    function oracleServes(uint256 schemaId) external view returns (bool) {
        return _oracleServes[schemaId];
    }

    /// @notice Whether `issuer_` was allowed to attest every registered schema (whether or not it
    /// is active).
    function mayAttestAnySchema(address issuer_) external view returns (bool) {
        return _mayAttestAny[issuer_];
    }

    /// @notice The name and status of `issuer_`.
    function issuerInfo(address issuer_) external view returns (string memory name, bool active) {
        IssuerInfo storage info = _issuers[issuer_];
        return (info.name, info.active);
    }

    /// Whether `signer` is the key of a node active now, for a schema the oracle network serves.
    function _isActiveOracleNode(address signer, uint256 schemaId) private view returns (bool) {
        IOracleNodes nodes = _oracleNodes;
        if (address(nodes) == address(0) || !_oracleServes[schemaId]) return false;
        address operator = nodes.operatorOf(signer);
        return operator != address(0) && nodes.isActive(operator);
    }

    function _setOracleNodes(address nodes) private {
        _oracleNodes = IOracleNodes(nodes);
        emit OracleNodesSet(nodes);
    }

    function _setOracleSchema(uint256 schemaId, bool served) private {
        if (!_schemaExists[schemaId]) revert IssuerRegistry__UnknownSchema(schemaId);
        _oracleServes[schemaId] = served;
        emit OracleSchemaSet(schemaId, served);
    }

    function _setSchema(uint256 schemaId, Schema memory schema_) private {
        if (schemaId == 0 || schemaId >= SNARK_SCALAR_FIELD) {
            revert IssuerRegistry__InvalidSchemaId(schemaId);
        }
        _schemas[schemaId] = schema_;
        _schemaExists[schemaId] = true;
        emit SchemaSet(schemaId, schema_.uri, schema_.selfAttestable, schema_.active);
    }

    function _setIssuer(address issuer_, string memory name, bool active) private {
        if (issuer_ == address(0)) revert IssuerRegistry__ZeroIssuer();
        _issuers[issuer_] = IssuerInfo(name, active);
        emit IssuerSet(issuer_, name, active);
    }

    function _setIssuerSchema(address issuer_, uint256 schemaId, bool allowed) private {
        if (issuer_ == address(0)) revert IssuerRegistry__ZeroIssuer();
        if (!_schemaExists[schemaId]) revert IssuerRegistry__UnknownSchema(schemaId);
        _mayAttest[issuer_][schemaId] = allowed;
        emit IssuerSchemaSet(issuer_, schemaId, allowed);
    }
}
