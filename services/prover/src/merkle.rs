//! Off-chain copies of the registry's Merkle trees: lean incremental Merkle trees with the
//! roots `@zk-kit/lean-imt.sol` (`InternalLeanIMT`) and the registry's `StoredLeanIMT` give
//! for the same insertions and updates, rebuilt from the registry's events ([`Trees`]), to
//! compute membership proofs for the circuit.
//!
//! The registry keeps successive trees (ids 0, 1, ...) of `2^treeDepth` leaves each: when one
//! is full the next mint starts a new one. A proof is against one tree; [`Trees`] follows them
//! all from the `LeafInserted(treeId, index, leaf, root)` / `LeafRemoved(treeId, index, leaf,
//! root)` events, checking each root.
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
    /// An event for a tree that is neither the current one nor the next.
    #[error("tree {tree_id} is out of order: {trees} trees are known, so the next event is for tree {} or {trees}", trees.saturating_sub(1))]
    UnknownTree {
        /// The event's tree.
        tree_id: u64,
        /// Number of trees known.
        trees: usize,
    },
    /// An insertion at another index than the tree's next one (a missed or repeated event).
    #[error(
        "LeafInserted at index {index} of tree {tree_id}, which has {size} leaves: an event is missing or repeated"
    )]
    OutOfOrder {
        /// The tree.
        tree_id: u64,
        /// The event's index.
        index: u64,
        /// The tree's size before it.
        size: usize,
    },
    /// A removal of a leaf that is not the one the copy holds.
    #[error("LeafRemoved of leaf {index} of tree {tree_id} says {event:#x}, the copy holds {ours:#x}")]
    LeafMismatch {
        /// The tree.
        tree_id: u64,
        /// The leaf's index.
        index: u64,
        /// The leaf the copy holds.
        ours: U256,
        /// The leaf the event names.
        event: U256,
    },
    /// After an event, the copy's root is not the registry's.
    #[error(
        "after the event at leaf {index} of tree {tree_id} the root is {ours:#x} here and {event:#x} on-chain"
    )]
    RootMismatch {
        /// The tree.
        tree_id: u64,
        /// The leaf the event was about.
        index: u64,
        /// The copy's root.
        ours: U256,
        /// The event's root.
        event: U256,
    },
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
    /// with whether the node is the right child there (zk-kit's `siblingNodes` of
    /// `InternalLeanIMT._update/_remove`; the registry no longer takes them).
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

/// A change of one of the registry's trees, as its events report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeEvent {
    /// `LeafInserted(treeId, index, leaf, root)`.
    Inserted {
        /// The tree.
        tree_id: u64,
        /// The new leaf's index.
        index: u64,
        /// The leaf.
        leaf: Fr,
        /// The tree's root after the insertion.
        root: Fr,
    },
    /// `LeafRemoved(treeId, index, leaf, root)`: the leaf is set to zero.
    Removed {
        /// The tree.
        tree_id: u64,
        /// The removed leaf's index.
        index: u64,
        /// The leaf removed.
        leaf: Fr,
        /// The tree's root after the removal.
        root: Fr,
    },
}

/// The registry's successive trees, rebuilt from its events in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trees {
    trees: Vec<LeanImt>,
}

impl Trees {
    /// No tree yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The trees after `events`, in chain order.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a TreeEvent>) -> Result<Self, TreeError> {
        let mut trees = Self::new();
        for event in events {
            trees.apply(event)?;
        }
        Ok(trees)
    }

    /// Applies one event, checking it against the copy: an insertion is at the next index of
    /// the current tree or starts the next tree, a removal names the leaf the copy holds, and
    /// the root after it is the event's. An event refused for its tree, index or leaf leaves
    /// the copy as it was; after a [`TreeError::RootMismatch`] the copy has applied the event
    /// and no longer matches the chain (rebuild it).
    pub fn apply(&mut self, event: &TreeEvent) -> Result<(), TreeError> {
        let known = self.trees.len();
        let (tree_id, index, root) = match *event {
            TreeEvent::Inserted { tree_id, index, leaf, root } => {
                let id = usize::try_from(tree_id)
                    .ok()
                    .filter(|&id| id + 1 == known || id == known)
                    .ok_or(TreeError::UnknownTree { tree_id, trees: known })?;
                let size = self.trees.get(id).map_or(0, LeanImt::size);
                if usize::try_from(index) != Ok(size) {
                    return Err(TreeError::OutOfOrder { tree_id, index, size });
                }
                if id == known {
                    self.trees.push(LeanImt::new());
                }
                self.trees[id].insert(leaf);
                (id, index, root)
            }
            TreeEvent::Removed { tree_id, index, leaf, root } => {
                let (id, tree) = usize::try_from(tree_id)
                    .ok()
                    .and_then(|id| Some((id, self.trees.get_mut(id)?)))
                    .ok_or(TreeError::UnknownTree { tree_id, trees: known })?;
                let at = usize::try_from(index).unwrap_or(usize::MAX);
                let ours = tree.leaf(at).ok_or(TreeError::NoSuchLeaf { index: at, size: tree.size() })?;
                if ours != leaf {
                    return Err(TreeError::LeafMismatch {
                        tree_id,
                        index,
                        ours: to_u256(ours),
                        event: to_u256(leaf),
                    });
                }
                tree.update(at, Fr::zero())?;
                (id, index, root)
            }
        };
        let ours = self.trees[tree_id].root();
        if ours != root {
            let tree_id = tree_id as u64;
            return Err(TreeError::RootMismatch {
                tree_id,
                index,
                ours: to_u256(ours),
                event: to_u256(root),
            });
        }
        Ok(())
    }

    /// Number of trees (the current one is the last).
    pub fn len(&self) -> usize {
        self.trees.len()
    }

    /// Whether no leaf was ever inserted.
    pub fn is_empty(&self) -> bool {
        self.trees.is_empty()
    }

    /// Tree `tree_id`.
    pub fn tree(&self, tree_id: u64) -> Option<&LeanImt> {
        self.trees.get(usize::try_from(tree_id).ok()?)
    }

    /// Where the first leaf equal to `leaf` is: `(treeId, index)`.
    pub fn find(&self, leaf: Fr) -> Option<(u64, usize)> {
        self.trees.iter().enumerate().find_map(|(id, tree)| Some((id as u64, tree.index_of(leaf)?)))
    }

    /// The membership proof of leaf `index` of tree `tree_id` (against that tree's root).
    pub fn proof(&self, tree_id: u64, index: usize) -> Result<MerkleProof, TreeError> {
        self.tree(tree_id).ok_or(TreeError::UnknownTree { tree_id, trees: self.trees.len() })?.proof(index)
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

    /// The events of a registry with 4-leaf trees: 6 mints (tree 0 full, then tree 1), then
    /// the removal of leaf 1 of tree 0, as the contract would emit them.
    fn events() -> Vec<TreeEvent> {
        let mut model = [LeanImt::new(), LeanImt::new()];
        let mut events = Vec::new();
        for n in 1..=6u64 {
            let tree_id = (n - 1) / 4;
            let tree = &mut model[tree_id as usize];
            let index = tree.insert(fr(n * 11)) as u64;
            events.push(TreeEvent::Inserted { tree_id, index, leaf: fr(n * 11), root: tree.root() });
        }
        model[0].update(1, Fr::zero()).unwrap();
        events.push(TreeEvent::Removed { tree_id: 0, index: 1, leaf: fr(22), root: model[0].root() });
        events
    }

    #[test]
    fn trees_follow_the_registry_events() {
        let events = events();
        let trees = Trees::from_events(&events).unwrap();
        assert_eq!(trees.len(), 2);
        let (zero, one) = (trees.tree(0).unwrap(), trees.tree(1).unwrap());
        assert_eq!((zero.size(), one.size()), (4, 2));
        assert_eq!(zero.leaf(1), Some(Fr::zero()));
        assert_eq!(one.root(), hash2(fr(55), fr(66)));
        assert_eq!(trees.find(fr(66)), Some((1, 1)));
        assert_eq!(trees.find(fr(22)), None, "removed");
        let proof = trees.proof(1, 0).unwrap();
        assert_eq!(proof.compute_root(fr(55)), one.root());
        assert_eq!(trees.proof(0, 3).unwrap().compute_root(fr(44)), zero.root());
        assert!(matches!(trees.proof(2, 0), Err(TreeError::UnknownTree { tree_id: 2, trees: 2 })));
    }

    #[test]
    fn trees_refuse_events_that_do_not_fit() {
        let events = events();
        let mut trees = Trees::from_events(&events[..5]).unwrap();
        let before = trees.clone();
        let TreeEvent::Inserted { leaf, root, .. } = events[5] else { unreachable!() };
        // a repeated or skipped insertion
        let repeated = TreeEvent::Inserted { tree_id: 1, index: 0, leaf, root };
        assert_eq!(trees.apply(&repeated), Err(TreeError::OutOfOrder { tree_id: 1, index: 0, size: 1 }));
        let skipped = TreeEvent::Inserted { tree_id: 1, index: 2, leaf, root };
        assert!(matches!(trees.apply(&skipped), Err(TreeError::OutOfOrder { .. })));
        // a tree two ahead, or an old one
        let ahead = TreeEvent::Inserted { tree_id: 3, index: 0, leaf, root };
        assert_eq!(trees.apply(&ahead), Err(TreeError::UnknownTree { tree_id: 3, trees: 2 }));
        let old = TreeEvent::Inserted { tree_id: 0, index: 4, leaf, root };
        assert!(matches!(trees.apply(&old), Err(TreeError::UnknownTree { tree_id: 0, .. })));
        // a removal of another leaf than the copy's, or of a leaf that does not exist
        let wrong_leaf = TreeEvent::Removed { tree_id: 0, index: 1, leaf: fr(23), root };
        assert!(matches!(trees.apply(&wrong_leaf), Err(TreeError::LeafMismatch { index: 1, .. })));
        let missing = TreeEvent::Removed { tree_id: 1, index: 5, leaf, root };
        assert!(matches!(trees.apply(&missing), Err(TreeError::NoSuchLeaf { index: 5, size: 1 })));
        assert_eq!(trees, before, "refused events leave the copy as it was");
        // the root after an event must be the registry's
        let wrong_root = TreeEvent::Inserted { tree_id: 1, index: 1, leaf, root: fr(1) };
        let err = trees.apply(&wrong_root).unwrap_err();
        assert!(matches!(err, TreeError::RootMismatch { tree_id: 1, index: 1, .. }), "{err}");
        // the first event must be for tree 0
        let first = TreeEvent::Inserted { tree_id: 1, index: 0, leaf, root };
        assert!(matches!(Trees::new().apply(&first), Err(TreeError::UnknownTree { tree_id: 1, trees: 0 })));
    }
}
