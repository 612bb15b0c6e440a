//! The shown frame's source-level variables: evaluated from DWARF at each pause (and
//! when another frame is picked), the pointers the user followed evaluated with
//! them, what changed since the previous pause of the same function, and the
//! overlay the hex view paints.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::engine::Pause;
use crate::inspect::{Dwarf, FrameVariables, Overlay, TypeRef, ValueNode};

use crate::ui::state::AppState;

/// A pointer the user followed: where to, as which type, named after its pointer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Follow {
    pub at: u64,
    pub ty: TypeRef,
    /// `*at`.
    pub name: String,
}

/// The variables shown for a paused frame.
#[derive(Clone, Debug, Default)]
pub struct ShownVariables {
    pub frame: FrameVariables,
    /// The targets of the followed pointers, at this pause.
    pub followed: Vec<ValueNode>,
    pub follows: Vec<Follow>,
    /// Every node's value by path (the next pause compares with it).
    values: HashMap<String, String>,
    /// The paths whose value differs from the previous pause's.
    pub changed: HashSet<String>,
    /// The frame's variables (and followed targets) as labelled memory.
    pub overlay: Arc<Overlay>,
}

impl ShownVariables {
    /// Frame `index` of `pause`; `previous` is what the pause before showed (its
    /// follows are kept, and its values compared when it was the same function).
    pub fn evaluate(
        pause: &Pause,
        index: usize,
        dwarf: &Dwarf,
        previous: Option<&ShownVariables>,
    ) -> Self {
        let frame = pause.variables(index, dwarf);
        let follows = previous.map(|p| p.follows.clone()).unwrap_or_default();
        let followed: Vec<ValueNode> = follows
            .iter()
            .map(|f| dwarf.value_at(f.ty, f.at, &f.name, pause.snapshot.as_ref()))
            .collect();
        let mut values = HashMap::new();
        let nodes = frame.variables.iter().map(|v| &v.node).chain(&followed);
        for node in nodes.clone() {
            collect_values(node, &mut values);
        }
        let changed = match previous.filter(|p| p.frame.function == frame.function) {
            Some(previous) => values
                .iter()
                .filter(|(path, value)| previous.values.get(*path).is_some_and(|v| v != *value))
                .map(|(path, _)| path.clone())
                .collect(),
            None => HashSet::new(),
        };
        let overlay = Arc::new(Overlay::new(nodes));
        Self {
            frame,
            followed,
            follows,
            values,
            changed,
            overlay,
        }
    }
}

fn collect_values(node: &ValueNode, values: &mut HashMap<String, String>) {
    let value = node
        .unavailable
        .clone()
        .unwrap_or_else(|| node.value.clone());
    values.insert(node.path.clone(), value);
    for child in &node.children {
        collect_values(child, values);
    }
}

impl AppState {
    /// The variables of the paused call's shown frame (none without DWARF).
    pub(in crate::ui) fn variables_of(
        &self,
        pause: &Pause,
        index: usize,
        previous: Option<&ShownVariables>,
    ) -> Option<ShownVariables> {
        let dwarf = self.doc.module()?.dwarf.clone()?;
        Some(ShownVariables::evaluate(pause, index, &dwarf, previous))
    }

    /// Follows a pointer: its target is shown (and painted) at this pause and the next.
    pub fn follow_pointer(&mut self, follow: Follow) {
        let Some(paused) = &self.doc.paused else {
            return;
        };
        let mut previous = paused.variables.clone().unwrap_or_default();
        if !previous.follows.contains(&follow) {
            previous.follows.push(follow.clone());
        }
        let variables = self.variables_of(&paused.pause, paused.frame, Some(&previous));
        if let Some(paused) = &mut self.doc.paused {
            paused.variables = variables;
        }
        self.reveal = Some(follow.at);
    }

    /// The overlay of the paused frame's variables, if any.
    pub fn variable_overlay(&self) -> Option<&Overlay> {
        let overlay = &self.doc.paused.as_ref()?.variables.as_ref()?.overlay;
        (!overlay.is_empty()).then_some(overlay.as_ref())
    }
}
