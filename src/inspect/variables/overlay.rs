//! A frame's variables as labelled ranges of linear memory, for painting over a hex
//! view: each variable's own bytes and each heap range a value owns (a `String`'s
//! text, a `Vec`'s items) is a *root* with a title and its fields' boundaries; every
//! node with an address is a *label*, so the byte under the pointer can be named
//! down to its innermost field (`pts[2].y`).

use std::ops::Range;

use super::Node;

/// One node's bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub range: Range<u64>,
    /// `pts[2].y`.
    pub path: String,
    pub type_name: String,
    pub value: String,
    /// How deep below its root (0: the root itself).
    pub depth: usize,
}

/// A region painted as one: a variable, or a heap range one owns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Root {
    pub range: Range<u64>,
    /// `pts: point[8]`, `text (heap): str`.
    pub title: String,
    /// The variable it belongs to (its colour follows it).
    pub variable: String,
    /// Where a field inside it starts (sorted, its own start left out).
    pub boundaries: Vec<u64>,
}

/// The labelled ranges of a frame.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overlay {
    roots: Vec<Root>,
    /// Sorted by start.
    labels: Vec<Label>,
}

/// Nodes below a root that get a label of their own (a huge array's items are
/// already bounded by the evaluator's limits).
const MAX_LABELS: usize = 1 << 16;

impl Overlay {
    /// The overlay of `nodes` (a frame's variables, pointers followed).
    pub fn new<'a>(nodes: impl IntoIterator<Item = &'a Node>) -> Self {
        let mut overlay = Self::default();
        for node in nodes {
            let variable = node.name.clone();
            overlay.add(node, &variable, None);
        }
        overlay.labels.sort_by_key(|l| (l.range.start, l.depth));
        overlay.roots.sort_by_key(|r| r.range.start);
        for root in &mut overlay.roots {
            root.boundaries.sort_unstable();
            root.boundaries.dedup();
        }
        overlay
    }

    /// Adds `node` (below root `root`, an index into `roots`, if any).
    fn add(&mut self, node: &Node, variable: &str, root: Option<(usize, usize)>) {
        if self.labels.len() >= MAX_LABELS {
            return;
        }
        let range = node
            .address
            .filter(|_| node.size > 0)
            .map(|at| at..at.saturating_add(node.size));
        // A node outside its root's bytes (a reference's target) starts a root.
        let inside = |root: Option<(usize, usize)>, range: &Range<u64>| {
            root.filter(|&(index, _)| {
                let r = &self.roots[index].range;
                r.start <= range.start && range.end <= r.end
            })
        };
        let mut here = root;
        if let Some(range) = &range {
            here = match inside(root, range) {
                Some((index, depth)) => {
                    if range.start > self.roots[index].range.start {
                        self.roots[index].boundaries.push(range.start);
                    }
                    Some((index, depth + 1))
                }
                None => {
                    self.roots.push(Root {
                        range: range.clone(),
                        title: format!("{}: {}", node.path, node.type_name),
                        variable: variable.to_owned(),
                        boundaries: Vec::new(),
                    });
                    Some((self.roots.len() - 1, 0))
                }
            };
            self.labels.push(Label {
                range: range.clone(),
                path: node.path.clone(),
                type_name: node.type_name.clone(),
                value: node
                    .unavailable
                    .clone()
                    .unwrap_or_else(|| node.value.clone()),
                depth: here.map_or(0, |(_, d)| d),
            });
        }
        let mut below = here;
        if let Some(heap) = node.heap {
            let range = heap.address..heap.address.saturating_add(heap.size);
            self.roots.push(Root {
                range: range.clone(),
                title: format!("{} (heap)", node.path),
                variable: variable.to_owned(),
                boundaries: Vec::new(),
            });
            self.labels.push(Label {
                range,
                path: format!("{} (heap)", node.path),
                type_name: format!("{} bytes", heap.size),
                value: node.value.clone(),
                depth: 0,
            });
            below = Some((self.roots.len() - 1, 0));
        }
        for child in &node.children {
            // A child in the heap belongs to the heap root; one in the value's own
            // bytes (a field) to the value's.
            let parent = match (&child.address, here) {
                (Some(at), Some((index, depth))) if self.roots[index].range.contains(at) => {
                    Some((index, depth))
                }
                _ => below,
            };
            self.add(child, variable, parent);
        }
    }

    /// The painted regions, by start.
    pub fn roots(&self) -> &[Root] {
        &self.roots
    }

    /// Whether there is nothing to paint.
    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    /// The roots that overlap `range`.
    pub fn roots_in(&self, range: Range<u64>) -> impl Iterator<Item = &Root> {
        let before_end = self.roots.partition_point(|r| r.range.start < range.end);
        self.roots[..before_end]
            .iter()
            .filter(move |r| r.range.end > range.start)
    }

    /// The innermost label holding byte `offset`.
    pub fn at(&self, offset: u64) -> Option<&Label> {
        let candidates = self.labels.partition_point(|l| l.range.start <= offset);
        self.labels[..candidates]
            .iter()
            .filter(|l| l.range.contains(&offset))
            .max_by_key(|l| (l.depth, std::cmp::Reverse(l.range.end - l.range.start)))
    }
}
