//! Variables as stable text lines (`run --break` prints them), one per node:
//!
//! ```text
//! param  at: point * = 0x1ffe0 @ 0x1ffcc
//! static pts: point[8] = [{x = 0, y = 72}, …] @ 0x1410
//!          [0]: point = {x = 0, y = 72} @ 0x1410
//!            x: short = 0 @ 0x1410
//! ```

use super::{FrameVariables, Node, VariableKind};

impl FrameVariables {
    /// One line per variable and, indented below it, per field, element and item.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(note) = &self.note {
            lines.push(format!("({note})"));
        }
        for variable in &self.variables {
            let kind = match variable.kind {
                VariableKind::Param => "param ",
                VariableKind::Local => "local ",
                VariableKind::Static => "static",
            };
            node_lines(&variable.node, kind, 0, &mut lines);
        }
        lines
    }
}

fn node_lines(node: &Node, kind: &str, depth: usize, lines: &mut Vec<String>) {
    let indent = "  ".repeat(depth);
    lines.push(format!("{kind} {indent}{}", node.line()));
    for child in &node.children {
        node_lines(child, "      ", depth + 1, lines);
    }
}

impl Node {
    /// `x: short = 0 @ 0x1410`, `text: String = "hi" @ 0x1ffd0 (heap 0x11008, 2 bytes)`,
    /// `n: i32 = <optimised out>`.
    pub fn line(&self) -> String {
        let value = match &self.unavailable {
            Some(why) => format!("<{why}>"),
            None => self.value.clone(),
        };
        let mut line = format!("{}: {} = {value}", self.name, self.type_name);
        if let Some(at) = self.address {
            line.push_str(&format!(" @ {at:#x}"));
        }
        if let Some(heap) = self.heap {
            let bytes = crate::memory::plural_bytes(heap.size);
            line.push_str(&format!(" (heap {:#x}, {bytes})", heap.address));
        }
        line
    }
}
