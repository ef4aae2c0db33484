// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMasaToken} from "../interfaces/IMasaToken.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title MasaToken
/// @notice The MASA token: "Masa Token" / MASA, 18 decimals, 1,588,866,523 MASA minted once to a
/// genesis holder at deployment. There is no mint function: the supply can only go down (burns).
/// @dev Votes use a timestamp clock (ERC-6372) so governance periods are in seconds on every chain
/// (subnet-evm and opBNB have different block times). Permit domain: name "Masa Token", version "1".
contract MasaToken is ERC20, ERC20Burnable, ERC20Permit, ERC20Votes, IMasaToken {
    /// @inheritdoc IMasaToken
    uint256 public constant TOTAL_SUPPLY = 1_588_866_523 ether;

    /// @notice Mints the whole supply to `genesisHolder`.
    /// @param genesisHolder Receives {TOTAL_SUPPLY}; the genesis distribution moves it onwards.
    /// @dev Emits {Transfer} and {GenesisMinted}. Reverts with {MasaToken__ZeroGenesisHolder}.
    constructor(address genesisHolder) ERC20("Masa Token", "MASA") ERC20Permit("Masa Token") {
        if (genesisHolder == address(0)) revert MasaToken__ZeroGenesisHolder();
        _mint(genesisHolder, TOTAL_SUPPLY);
        emit GenesisMinted(genesisHolder, TOTAL_SUPPLY);
    }

    /// @notice The current timepoint of the votes clock: the block timestamp (ERC-6372).
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @notice Describes the votes clock (ERC-6372).
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    /// @notice The next EIP-2612 permit nonce of `owner` (shared with vote delegation by signature).
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }
}
