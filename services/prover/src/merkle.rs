//! An off-chain copy of the registry's Merkle tree: a lean incremental Merkle tree exactly as
//! `@zk-kit/lean-imt.sol` (`InternalLeanIMT`) builds it on-chain, rebuilt from the
//! registry's events, to compute membership proofs for the circuit and sibling nodes for
//! the contract's leaf removal.
//!
//! A LeanIMT has no zero padding: its depth is `ceil(log2(size))`, and a node without a right
//! sibling is carried up to the next level unhashed. A membership proof therefore lists only
//! the levels where the node has a sibling; the circuit (`BinaryMerkleRoot`) takes their
//! number as its private `merkleDepth`. (zk-kit's Rust crate follows a different hash
//! interface and version line; this is ~100 lines over the Poseidon we already use.)

use crate::{
    field::{to_fr, to_u256},
    poseidon::hash2,
};
use alloy::primitives::U256;
use ark_bn254::Fr;
use ark_ff::Zero;
use serde::{Deserialize, Serialize};

/// Maximum depth the circuit accepts (`Disclosure(.., 20, ..)`): up to 2^20 leaves.
pub const MAX_DEPTH: usize = 20;

/// A lean incremental Merkle tree of `Poseidon_2` nodes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeanImt {
    /// `levels[0]` are the leaves, `levels[depth]` the root.
    levels: Vec<Vec<Fr>>,
}

/// A membership proof in the circuit's shape. As JSON (`masa-prover prove --merkle`):
/// `{"root", "index", "depth", "pathIndices": [0|1, ...], "pathElements": ["0x..", ...]}`, the
/// two lists at most [`MAX_DEPTH`] long (shorter ones are padded with zeros).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "MerkleProofJson", into = "MerkleProofJson")]
pub struct MerkleProof {
    /// The root proven against.
    pub root: Fr,
    /// The leaf's index.
    pub index: usize,
    /// Number of hashed levels (the levels where the node has a sibling).
    pub depth: usize,
    /// For each hashed level, whether the node is the right child (padded to [`MAX_DEPTH`]).
    pub path_indices: [bool; MAX_DEPTH],
    /// The sibling at each hashed level (padded with zeros to [`MAX_DEPTH`]).
    pub path_elements: [Fr; MAX_DEPTH],
}

/// Tree errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    /// No leaf at that index.
    #[error("the tree has {size} leaves; there is no leaf {index}")]
    NoSuchLeaf {
        /// The index asked for.
        index: usize,
        /// The tree size.
        size: usize,
    },
    /// The tree is deeper than the circuit supports.
    #[error("the tree has depth {0}, deeper than the circuit's {MAX_DEPTH}")]
    TooDeep(usize),
}

impl LeanImt {
    /// An empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of leaves (removed leaves count: they stay as zeros).
    pub fn size(&self) -> usize {
        self.levels.first().map_or(0, Vec::len)
    }

    /// `ceil(log2(size))`, as `LeanIMTData.depth`.
    pub fn depth(&self) -> usize {
        self.levels.len().saturating_sub(1)
    }

    /// The root (zero for an empty tree, as `_root` on-chain).
    pub fn root(&self) -> Fr {
        self.levels.last().and_then(|top| top.first()).copied().unwrap_or_else(Fr::zero)
    }

    /// The leaf at `index`.
    pub fn leaf(&self, index: usize) -> Option<Fr> {
        self.levels.first()?.get(index).copied()
    }

    /// Index of the first leaf equal to `leaf`.
    pub fn index_of(&self, leaf: Fr) -> Option<usize> {
        self.levels.first()?.iter().position(|&l| l == leaf)
    }

    /// Appends a leaf; returns its index.
    pub fn insert(&mut self, leaf: Fr) -> usize {
        if self.levels.is_empty() {
            self.levels.push(Vec::new());
        }
        self.levels[0].push(leaf);
        let index = self.levels[0].len() - 1;
        // a full tree grows one level
        while (1usize << self.depth()) < self.size() {
            self.levels.push(Vec::new());
        }
        self.recompute_from(index);
        index
    }

    /// Sets the leaf at `index` to `leaf` (zero removes it, as `_remove` on-chain).
    pub fn update(&mut self, index: usize, leaf: Fr) -> Result<(), TreeError> {
        let size = self.size();
        if index >= size {
            return Err(TreeError::NoSuchLeaf { index, size });
        }
        self.levels[0][index] = leaf;
        self.recompute_from(index);
        Ok(())
    }

    /// Recomputes the nodes on the path from leaf `index` to the root.
    fn recompute_from(&mut self, index: usize) {
        let mut i = index;
        for level in 0..self.depth() {
            let nodes = &self.levels[level];
            let node = nodes[i];
            let parent = if i % 2 == 1 {
                hash2(nodes[i - 1], node)
            } else if let Some(&right) = nodes.get(i + 1) {
                hash2(node, right)
            } else {
                node // no right sibling: carried up unhashed
            };
            let up = &mut self.levels[level + 1];
            if i / 2 < up.len() {
                up[i / 2] = parent;
            } else {
                up.push(parent);
            }
            i /= 2;
        }
    }

    /// The siblings on the path of leaf `index`, bottom up, only at levels where one exists,
    /// with whether the node is the right child there. This is the `siblingNodes` argument of
    /// `InternalLeanIMT._update/_remove`.
    pub fn siblings(&self, index: usize) -> Result<Vec<(bool, Fr)>, TreeError> {
        let size = self.size();
        if index >= size {
            return Err(TreeError::NoSuchLeaf { index, size });
        }
        let mut out = Vec::with_capacity(self.depth());
        let mut i = index;
        for level in 0..self.depth() {
            let nodes = &self.levels[level];
            if i % 2 == 1 {
                out.push((true, nodes[i - 1]));
            } else if let Some(&right) = nodes.get(i + 1) {
                out.push((false, right));
            }
            i /= 2;
        }
        Ok(out)
    }

    /// A membership proof of leaf `index` for the circuit.
    pub fn proof(&self, index: usize) -> Result<MerkleProof, TreeError> {
        let siblings = self.siblings(index)?;
        if siblings.len() > MAX_DEPTH {
            return Err(TreeError::TooDeep(self.depth()));
        }
        let mut path_indices = [false; MAX_DEPTH];
        let mut path_elements = [Fr::zero(); MAX_DEPTH];
        for (level, (is_right, sibling)) in siblings.iter().enumerate() {
            path_indices[level] = *is_right;
            path_elements[level] = *sibling;
        }
        Ok(MerkleProof { root: self.root(), index, depth: siblings.len(), path_indices, path_elements })
    }
}

/// [`MerkleProof`] as JSON numbers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct MerkleProofJson {
    root: U256,
    index: usize,
    depth: usize,
    path_indices: Vec<u8>,
    path_elements: Vec<U256>,
}

impl From<MerkleProof> for MerkleProofJson {
    fn from(p: MerkleProof) -> Self {
        Self {
            root: to_u256(p.root),
            index: p.index,
            depth: p.depth,
            path_indices: p.path_indices.iter().map(|&b| u8::from(b)).collect(),
            path_elements: p.path_elements.iter().copied().map(to_u256).collect(),
        }
    }
}

impl TryFrom<MerkleProofJson> for MerkleProof {
    type Error = String;

    fn try_from(j: MerkleProofJson) -> Result<Self, String> {
        if j.depth > MAX_DEPTH || j.path_indices.len() > MAX_DEPTH || j.path_elements.len() > MAX_DEPTH {
            return Err(format!("a Merkle proof has at most {MAX_DEPTH} levels"));
        }
        if j.path_indices.len() < j.depth || j.path_elements.len() < j.depth {
            return Err(format!("depth {} but fewer path entries", j.depth));
        }
        let mut path_indices = [false; MAX_DEPTH];
        for (out, &bit) in path_indices.iter_mut().zip(&j.path_indices) {
            *out = match bit {
                0 => false,
                1 => true,
                _ => return Err(format!("path index {bit} is not 0 or 1")),
            };
        }
        let mut path_elements = [Fr::zero(); MAX_DEPTH];
        for (out, &word) in path_elements.iter_mut().zip(&j.path_elements) {
            *out = to_fr("pathElements", word).map_err(|e| e.to_string())?;
        }
        let root = to_fr("root", j.root).map_err(|e| e.to_string())?;
        Ok(Self { root, index: j.index, depth: j.depth, path_indices, path_elements })
    }
}

impl MerkleProof {
    /// The root this proof computes from `leaf` (what the circuit computes).
    pub fn compute_root(&self, leaf: Fr) -> Fr {
        (0..self.depth).fold(leaf, |node, level| {
            let sibling = self.path_elements[level];
            if self.path_indices[level] { hash2(sibling, node) } else { hash2(node, sibling) }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr(n: u64) -> Fr {
        Fr::from(n)
    }

    #[test]
    fn roots_follow_the_lean_imt_rules() {
        let mut tree = LeanImt::new();
        assert_eq!(tree.root(), Fr::zero());
        tree.insert(fr(1));
        assert_eq!((tree.root(), tree.depth()), (fr(1), 0), "one leaf: the root is the leaf");
        tree.insert(fr(2));
        assert_eq!(tree.root(), hash2(fr(1), fr(2)));
        tree.insert(fr(3));
        // the third leaf has no sibling: carried up to level 1, then hashed with (1,2)
        assert_eq!(tree.root(), hash2(hash2(fr(1), fr(2)), fr(3)));
        assert_eq!(tree.depth(), 2);
        tree.insert(fr(4));
        tree.insert(fr(5));
        let left = hash2(hash2(fr(1), fr(2)), hash2(fr(3), fr(4)));
        assert_eq!(tree.root(), hash2(left, fr(5)));
        assert_eq!(tree.depth(), 3);
    }

    #[test]
    fn every_proof_recomputes_the_root() {
        let mut tree = LeanImt::new();
        for n in 1..=37 {
            tree.insert(fr(n * 1000 + 7));
            for index in 0..tree.size() {
                let proof = tree.proof(index).unwrap();
                assert_eq!(
                    proof.compute_root(tree.leaf(index).unwrap()),
                    tree.root(),
                    "size {n} leaf {index}"
                );
                assert!(proof.depth <= tree.depth());
            }
        }
        assert!(matches!(tree.proof(37), Err(TreeError::NoSuchLeaf { .. })));
    }

    #[test]
    fn proofs_roundtrip_through_json() {
        let mut tree = LeanImt::new();
        for n in 1..=5 {
            tree.insert(fr(n));
        }
        let proof = tree.proof(4).unwrap();
        let json = serde_json::to_string(&proof).unwrap();
        assert_eq!(serde_json::from_str::<MerkleProof>(&json).unwrap(), proof);
        let short = r#"{"root":"0x5","index":0,"depth":1,"pathIndices":[1],"pathElements":["0x2"]}"#;
        let parsed: MerkleProof = serde_json::from_str(short).unwrap();
        assert_eq!((parsed.depth, parsed.path_indices[0], parsed.path_elements[0]), (1, true, fr(2)));
        let bad_bit = r#"{"root":"0x5","index":0,"depth":1,"pathIndices":[2],"pathElements":["0x2"]}"#;
        assert!(serde_json::from_str::<MerkleProof>(bad_bit).is_err());
        let too_deep = r#"{"root":"0x5","index":0,"depth":21,"pathIndices":[],"pathElements":[]}"#;
        assert!(serde_json::from_str::<MerkleProof>(too_deep).is_err());
    }

    /// Against the on-chain library's rule for `_update/_remove`: one sibling per level where
    /// the node is a right child or has a right neighbour, bottom up.
    #[test]
    fn siblings_are_what_the_contract_consumes() {
        let mut tree = LeanImt::new();
        for n in 1..=6 {
            tree.insert(fr(n));
        }
        // leaf 4 (value 5): level 0 sibling 6; level 1: node (5,6) is index 2, the last, no
        // right neighbour: skipped; level 2: right child of the (1..4) subtree
        let left = hash2(hash2(fr(1), fr(2)), hash2(fr(3), fr(4)));
        assert_eq!(tree.siblings(4).unwrap(), vec![(false, fr(6)), (true, left)]);
        let p = tree.proof(4).unwrap();
        assert_eq!(p.depth, 2);
        assert_eq!(tree.root(), hash2(left, hash2(fr(5), fr(6))));
    }

    #[test]
    fn removal_sets_the_leaf_to_zero() {
        let mut tree = LeanImt::new();
        for n in 1..=6 {
            tree.insert(fr(n));
        }
        let mut expected = LeanImt::new();
        for n in [1, 2, 0, 4, 5, 6] {
            expected.insert(fr(n));
        }
        let before = tree.root();
        tree.update(2, Fr::zero()).unwrap();
        assert_eq!(tree.root(), expected.root());
        assert_ne!(tree.root(), before);
        let proof = tree.proof(3).unwrap();
        assert_eq!(proof.compute_root(fr(4)), tree.root());
    }
}
