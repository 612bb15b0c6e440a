//! The evaluator on the committed DWARF guests, with frame values and memory made
//! here (the engine's real pauses are tested in tests/variables.rs).

use super::*;

/// Linear memory for a test: `size` zero bytes with some set.
struct Memory(Vec<u8>);

impl Memory {
    fn new(size: usize) -> Self {
        Self(vec![0; size])
    }

    fn put(&mut self, at: u64, bytes: &[u8]) {
        let at = at as usize;
        self.0[at..at + bytes.len()].copy_from_slice(bytes);
    }
}

impl ReadMemory for Memory {
    fn read(&self, at: u64, len: u64) -> Vec<u8> {
        let start = (at as usize).min(self.0.len());
        let end = (at.saturating_add(len) as usize).min(self.0.len());
        self.0[start..end].to_vec()
    }
}

fn dwarf(name: &str) -> crate::inspect::Dwarf {
    let path = format!("{}/assets/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(path).unwrap();
    crate::inspect::Dwarf::parse(&bytes).unwrap().unwrap()
}

/// The module offset of the first instruction of `file:line`.
fn pc_of(dwarf: &crate::inspect::Dwarf, file: &str, line: u32) -> u64 {
    let pcs = dwarf.pcs_of_line(file, line);
    assert!(!pcs.is_empty(), "no code at {file}:{line}");
    pcs[0]
}

fn i32_slot(v: u32) -> Option<Slot> {
    Some(Slot {
        bits: u64::from(v),
        bytes: 4,
    })
}

/// A frame at `pc` holding `locals` (no operands, no globals).
fn frame_at(pc: u64, locals: &[Option<Slot>]) -> FrameState<'_> {
    FrameState {
        pc,
        locals,
        stack: &[],
        globals: &[],
    }
}

fn find<'a>(vars: &'a FrameVariables, name: &str) -> &'a Node {
    let found = vars.variables.iter().find(|v| v.node.name == name);
    &found
        .unwrap_or_else(|| panic!("no {name} in {:#?}", vars.lines()))
        .node
}

#[test]
fn c_frame_reads_params_locals_and_statics_from_the_shadow_stack() {
    let dwarf = dwarf("dwarf_c.wasm");
    // Line 48 is in centroid's loop: `sy += pts[i].y;`. Its frame base is local 3.
    let pc = pc_of(&dwarf, "poly.c", 48);
    let mut memory = Memory::new(0x3000);
    let base = 0x2000u64;
    memory.put(base + 12, &0x1800u32.to_le_bytes()); // at
    memory.put(base + 8, &7i32.to_le_bytes()); // sx
    memory.put(base + 4, &(-3i32).to_le_bytes()); // sy
    memory.put(base, &2i32.to_le_bytes()); // i
    memory.put(0x1404, &3i32.to_le_bytes()); // kept
    for (i, (x, y)) in [(0i16, 72i16), (1, 73), (2, 33)].into_iter().enumerate() {
        let at = 0x1410 + 4 * i as u64;
        memory.put(at, &x.to_le_bytes());
        memory.put(at + 2, &y.to_le_bytes());
    }
    let locals = [None, None, None, i32_slot(base as u32)];
    let frame = frame_at(pc, &locals);
    let vars = dwarf.frame_variables(&frame, &memory, Limits::default());
    assert_eq!(vars.function.as_deref(), Some("centroid"));
    let at = find(&vars, "at");
    assert_eq!(
        (at.type_name.as_str(), at.value.as_str()),
        ("point *", "0x1800")
    );
    assert_eq!(at.address, Some(base + 12));
    assert!(at.target.is_some(), "a pointer can be followed");
    assert_eq!(find(&vars, "sx").value, "7");
    assert_eq!(find(&vars, "sy").value, "-3");
    assert_eq!(find(&vars, "i").value, "2", "the loop's block is in scope");
    let pts = find(&vars, "pts");
    assert_eq!(pts.type_name, "point[8]");
    assert_eq!((pts.address, pts.size), (Some(0x1410), 32));
    assert_eq!(pts.children.len(), 8);
    let y2 = &pts.children[2].children[1];
    assert_eq!(
        (y2.path.as_str(), y2.value.as_str(), y2.address),
        ("pts[2].y", "33", Some(0x1410 + 8 + 2))
    );
    assert!(
        pts.value.starts_with("[{x = 0, y = 72}, {x = 1, y = 73}"),
        "{}",
        pts.value
    );
    let kinds: Vec<_> = vars
        .variables
        .iter()
        .map(|v| (v.node.name.as_str(), v.kind))
        .collect();
    assert_eq!(kinds[0], ("at", VariableKind::Param));
    assert!(kinds.contains(&("kept", VariableKind::Static)));
    // The text form, as `run --break` prints it.
    let lines = vars.lines();
    assert!(
        lines.contains(&"param  at: point * = 0x1800 @ 0x200c".to_owned()),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&"           y: short = 33 @ 0x141a".to_owned()),
        "{lines:#?}"
    );
    // Following the pointer shows the point there.
    let (to, ty) = at.target.unwrap();
    memory.put(to, &[5, 0, 6, 0]);
    let followed = dwarf.value_at(ty, to, "*at", &memory);
    assert_eq!(followed.value, "{x = 5, y = 6}");
}

#[test]
fn c_char_pointer_reads_as_a_string_and_a_block_out_of_scope_is_not_listed() {
    let dwarf = dwarf("dwarf_c.wasm");
    // Line 25 is `kept = 0;` in upper, before the loop's block.
    let pc = pc_of(&dwarf, "poly.c", 25);
    let mut memory = Memory::new(0x3000);
    memory.put(0x2000 + 12, &0x1000u32.to_le_bytes());
    memory.put(0x1000, b"hello\0");
    let locals = [None, None, None, None, i32_slot(0x2000)];
    let frame = frame_at(pc, &locals);
    let vars = dwarf.frame_variables(&frame, &memory, Limits::default());
    assert_eq!(find(&vars, "s").value, "0x1000 \"hello\"");
    assert!(
        vars.variables.iter().all(|v| v.node.name != "c"),
        "c's block is not entered yet"
    );
}

#[test]
fn missing_frame_values_and_memory_say_why_and_never_panic() {
    let dwarf = dwarf("dwarf_c.wasm");
    let pc = pc_of(&dwarf, "poly.c", 48);
    let memory = Memory::new(16);
    // No locals at all: the frame base is unknown.
    let frame = frame_at(pc, &[]);
    let vars = dwarf.frame_variables(&frame, &memory, Limits::default());
    let sx = find(&vars, "sx");
    assert!(
        sx.unavailable.as_deref().unwrap().contains("frame base"),
        "{sx:?}"
    );
    // Statics past the end of memory.
    let pts = find(&vars, "pts");
    assert!(
        pts.children[0].children[0]
            .unavailable
            .as_deref()
            .unwrap()
            .contains("outside memory")
    );
    // An instruction no function covers.
    let nowhere = FrameState { pc: 0, ..frame };
    let vars = dwarf.frame_variables(&nowhere, &memory, Limits::default());
    assert!(vars.variables.is_empty() && vars.note.is_some());
}

#[test]
fn limits_bound_items_and_nodes() {
    let dwarf = dwarf("dwarf_c.wasm");
    let pc = pc_of(&dwarf, "poly.c", 48);
    let memory = Memory::new(0x3000);
    let locals = [None, None, None, i32_slot(0x2000)];
    let frame = frame_at(pc, &locals);
    let limits = Limits {
        items: 3,
        ..Limits::default()
    };
    let vars = dwarf.frame_variables(&frame, &memory, limits);
    let pts = find(&vars, "pts");
    assert_eq!(pts.children.len(), 3);
    assert!(pts.value.ends_with(", …]"), "{}", pts.value);
    let few = Limits {
        nodes: 5,
        ..Limits::default()
    };
    let vars = dwarf.frame_variables(&frame, &memory, few);
    let count: usize = vars.variables.iter().map(|v| count_nodes(&v.node)).sum();
    assert!(count <= 5 + vars.variables.len(), "{count}");
}

fn count_nodes(node: &Node) -> usize {
    1 + node.children.iter().map(count_nodes).sum::<usize>()
}

#[test]
fn damaged_debug_info_gives_answers_or_reasons_never_a_panic() {
    let path = format!("{}/assets/dwarf_c.wasm", env!("CARGO_MANIFEST_DIR"));
    let module = std::fs::read(path).unwrap();
    let name = b".debug_info";
    let info = module.windows(name.len()).position(|w| w == name).unwrap() + name.len();
    let mut memory = Memory::new(0x3000);
    memory.put(0x2000, &[0xff; 0x100]);
    let locals = [i32_slot(0x2000); 8];
    let mut evaluated = 0;
    // Each byte of the first part of .debug_info flipped in turn (types, locations,
    // references, attribute forms: the DIEs of poly.c), every instruction asked.
    for at in (info..info + 0x1c0).step_by(3) {
        let mut damaged = module.clone();
        damaged[at] ^= 0xa5;
        let Ok(Some(dwarf)) = crate::inspect::Dwarf::parse(&damaged) else {
            continue;
        };
        for pc in (0x100..0x600).step_by(37) {
            let frame = FrameState {
                pc,
                locals: &locals,
                stack: &locals,
                globals: &locals,
            };
            let vars = dwarf.frame_variables(&frame, &memory, Limits::default());
            evaluated += vars.variables.len();
            let _ = vars.lines();
        }
    }
    assert!(evaluated > 100, "{evaluated} variables evaluated");
}
