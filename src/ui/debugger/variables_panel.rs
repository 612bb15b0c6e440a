//! The paused frame's variables as a tree: `name: type`, links, `= value` per row (fields,
//! elements and items below, collapsible), values that changed since the last pause
//! in the changed colour, an address link to show the bytes, a heap link for the
//! bytes a `String` or `Vec` owns, and *follow* on a pointer to show its target.

use egui::RichText;

use crate::inspect::{ValueNode, VariableKind};
use crate::ui::UiCommand;
use crate::ui::context::PanelContext;

use super::{Follow, ShownVariables};

/// Children shown open at first, for a node this high in the tree.
const OPEN_CHILDREN: usize = 8;

/// The variables, then the followed pointers' targets.
pub fn variables_ui(ui: &mut egui::Ui, shown: &ShownVariables, ctx: &mut PanelContext<'_>) {
    let frame = &shown.frame;
    let title = match &frame.function {
        Some(function) => format!("Variables of {function}"),
        None => "Variables".to_owned(),
    };
    ui.strong(title);
    if let Some(note) = &frame.note {
        ui.weak(note);
    }
    for variable in &frame.variables {
        let kind = match variable.kind {
            VariableKind::Param => "param",
            VariableKind::Local => "local",
            VariableKind::Static => "static",
        };
        node_ui(ui, &variable.node, Some(kind), 0, shown, ctx);
    }
    if !shown.followed.is_empty() {
        ui.strong("Followed pointers");
        for node in &shown.followed {
            node_ui(ui, node, None, 0, shown, ctx);
        }
    }
}

fn node_ui(
    ui: &mut egui::Ui,
    node: &ValueNode,
    kind: Option<&str>,
    depth: usize,
    shown: &ShownVariables,
    ctx: &mut PanelContext<'_>,
) {
    let changed = shown.changed.contains(&node.path);
    let header = |ui: &mut egui::Ui, ctx: &mut PanelContext<'_>| {
        row_ui(ui, node, kind, changed, ctx);
    };
    if node.children.is_empty() {
        ui.horizontal(|ui| header(ui, ctx));
        return;
    }
    let id = ui.make_persistent_id(("variable", &node.path));
    let open = depth == 0 && node.children.len() <= OPEN_CHILDREN;
    egui::collapsing_header::CollapsingState::load_with_default_open(ui.ctx(), id, open)
        .show_header(ui, |ui| header(ui, ctx))
        .body(|ui| {
            for child in &node.children {
                node_ui(ui, child, None, depth + 1, shown, ctx);
            }
        });
}

/// `kind name: type = value`, then links to its bytes, its heap bytes, its target.
fn row_ui(
    ui: &mut egui::Ui,
    node: &ValueNode,
    kind: Option<&str>,
    changed: bool,
    ctx: &mut PanelContext<'_>,
) {
    if let Some(kind) = kind {
        ui.weak(RichText::new(kind).monospace());
    }
    ui.monospace(format!("{}: {}", node.name, node.type_name));
    let mut reveal = |ui: &mut egui::Ui, text: String, hover: &str, offset: u64| {
        if ui
            .link(RichText::new(text).monospace())
            .on_hover_text(hover)
            .clicked()
        {
            ctx.push(UiCommand::Reveal {
                offset,
                cursor: true,
            });
        }
    };
    if let Some(at) = node.address {
        reveal(
            ui,
            format!("@ {at:#x}"),
            "Show its bytes in the hex view",
            at,
        );
    }
    if let Some(heap) = node.heap {
        let hover = "Show the bytes it owns on the heap";
        reveal(ui, format!("heap {:#x}", heap.address), hover, heap.address);
    }
    if let Some((at, ty)) = node.target
        && ui
            .small_button("follow")
            .on_hover_text("Show what it points at, as its type, here and in the hex view")
            .clicked()
    {
        ctx.push(UiCommand::FollowPointer(Follow {
            at,
            ty,
            name: format!("*{}", node.path),
        }));
    }
    // The value last, cut to the room left: the links before it stay in reach.
    let value = match &node.unavailable {
        Some(why) => RichText::new(format!("= <{why}>")).italics(),
        None => RichText::new(format!("= {}", node.value)),
    };
    let mut value = value.monospace();
    if changed {
        value = value.color(ui.visuals().error_fg_color);
    }
    let value = ui.add(egui::Label::new(value).truncate());
    if changed {
        value.on_hover_text("Changed since the last pause");
    }
}
