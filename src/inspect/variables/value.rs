//! Building a value's [`Node`] tree from its type and place: numbers, pointers,
//! structs and unions, arrays, C enums, Rust enums (their active variant), and — in
//! `rust` — `String`, `Vec`, slices and `&str` as a Rust programmer reads them.

use std::sync::Arc;

use super::index::{Lang, Units};
use super::location::{Place, little_endian};
use super::types::{Aggregate, Kind, Member, Type, Types};
use super::{Node, ReadMemory, TypeRef};

/// Bounds on one evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// How deep fields, elements and targets nest.
    pub depth: usize,
    /// Elements (items) shown of one array, `Vec` or slice.
    pub items: usize,
    /// Nodes made in all (the rest say "…").
    pub nodes: usize,
    /// Bytes read from memory in all.
    pub bytes: u64,
    /// Bytes of a string shown.
    pub string: u64,
    /// Characters of a one-line value.
    pub text: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            depth: 6,
            items: 64,
            nodes: 4000,
            bytes: 1 << 20,
            string: 256,
            text: 120,
        }
    }
}

/// Where a value's bytes come from.
#[derive(Clone)]
pub(super) enum Source {
    /// Linear memory at this address.
    Memory(u64),
    /// Bytes held outside memory, from this offset.
    Bytes(Arc<[u8]>, u64),
}

impl Source {
    pub fn at(&self, offset: u64) -> Self {
        match self {
            Self::Memory(at) => Self::Memory(at.wrapping_add(offset)),
            Self::Bytes(bytes, start) => Self::Bytes(bytes.clone(), start + offset),
        }
    }

    pub fn address(&self) -> Option<u64> {
        match self {
            Self::Memory(at) => Some(*at),
            Self::Bytes(..) => None,
        }
    }
}

/// Makes nodes within the limits.
pub(super) struct Builder<'a> {
    pub units: &'a Units,
    pub types: &'a mut Types,
    memory: &'a dyn ReadMemory,
    pub lang: Lang,
    pub limits: Limits,
    nodes: usize,
    bytes_read: u64,
}

impl<'a> Builder<'a> {
    pub fn new(
        units: &'a Units,
        types: &'a mut Types,
        memory: &'a dyn ReadMemory,
        unit: usize,
        limits: Limits,
    ) -> Self {
        Self {
            lang: units.lang(unit),
            units,
            types,
            memory,
            limits,
            nodes: 0,
            bytes_read: 0,
        }
    }

    pub fn size(&mut self, ty: TypeRef) -> Option<u64> {
        self.types.size(self.units, ty)
    }

    pub fn ty(&mut self, ty: TypeRef) -> Arc<Type> {
        self.types.resolved(self.units, ty)
    }

    /// A type's name as shown (Rust's default allocator left out).
    pub fn type_name(&mut self, ty: Option<TypeRef>) -> String {
        let Some(ty) = ty else {
            return "void".to_owned();
        };
        let name = self.types.get(self.units, ty).name.clone();
        name.replace(", alloc::alloc::Global", "")
    }

    /// The node of variable `name` (full name `path`) of type `ty` at `place`.
    pub fn node(&mut self, name: &str, path: &str, ty: Option<TypeRef>, place: Place) -> Node {
        let source = match place {
            Place::Memory(at) => Source::Memory(at),
            Place::Bytes(bytes) => Source::Bytes(bytes.into(), 0),
            Place::Unavailable(why) => {
                let mut node = self.blank(name, path, ty, None);
                node.unavailable = Some(why);
                return node;
            }
        };
        self.build(name, path, ty, &source, 0)
    }

    /// A node with a name, type and place but no value yet.
    pub fn blank(
        &mut self,
        name: &str,
        path: &str,
        ty: Option<TypeRef>,
        source: Option<&Source>,
    ) -> Node {
        self.nodes += 1;
        Node {
            name: name.to_owned(),
            path: path.to_owned(),
            type_name: self.type_name(ty),
            address: source.and_then(Source::address),
            size: ty.and_then(|t| self.size(t)).unwrap_or(0),
            value: String::new(),
            unavailable: None,
            children: Vec::new(),
            heap: None,
            target: None,
        }
    }

    /// Whether the node budget is spent (what is left is not expanded).
    pub fn exhausted(&self) -> bool {
        self.nodes >= self.limits.nodes
    }

    /// Reads `len` bytes of `source` (`None` outside memory or past the byte budget).
    pub fn read(&mut self, source: &Source, len: u64) -> Option<Vec<u8>> {
        if self.bytes_read.saturating_add(len) > self.limits.bytes {
            return None;
        }
        self.bytes_read += len;
        let bytes = match source {
            Source::Memory(at) => self.memory.read(*at, len),
            Source::Bytes(bytes, start) => {
                let start = usize::try_from(*start).ok()?;
                let end = start.checked_add(usize::try_from(len).ok()?)?;
                bytes.get(start..end)?.to_vec()
            }
        };
        (bytes.len() as u64 == len).then_some(bytes)
    }

    /// The node of the value of type `ty` at `source`.
    pub fn build(
        &mut self,
        name: &str,
        path: &str,
        ty: Option<TypeRef>,
        source: &Source,
        depth: usize,
    ) -> Node {
        let mut node = self.blank(name, path, ty, Some(source));
        if self.nodes > self.limits.nodes {
            node.value = "…".into();
            return node;
        }
        let Some(ty) = ty else {
            node.value = "(void)".into();
            return node;
        };
        let resolved = self.ty(ty);
        match &resolved.kind {
            Kind::Base(encoding) => match self.read(source, node.size) {
                Some(bytes) => node.value = base_value(*encoding, &bytes),
                None => node.unavailable = Some(outside(source, node.size)),
            },
            Kind::Enum(enumerators) => match self.read(source, node.size) {
                Some(bytes) => {
                    let n = sign_extend(little_endian(&bytes), bytes.len());
                    node.value = enumerators
                        .iter()
                        .find(|(_, v)| *v == n)
                        .map_or_else(|| n.to_string(), |(name, _)| name.clone());
                }
                None => node.unavailable = Some(outside(source, node.size)),
            },
            Kind::Pointer(target) => self.pointer(&mut node, &resolved, *target, source, depth),
            Kind::Array { element, count } => {
                self.array(&mut node, *element, *count, source, depth);
            }
            Kind::Aggregate(aggregate) => {
                if !super::rust::special(self, &mut node, &resolved, aggregate, source, depth) {
                    self.aggregate(&mut node, aggregate, source, depth);
                }
            }
            // No value to show (`void`, a function).
            Kind::Alias(_) | Kind::Opaque => {}
        }
        node
    }

    fn pointer(
        &mut self,
        node: &mut Node,
        ty: &Type,
        target: Option<TypeRef>,
        source: &Source,
        depth: usize,
    ) {
        let Some(bytes) = self.read(source, node.size) else {
            node.unavailable = Some(outside(source, node.size));
            return;
        };
        let address = little_endian(&bytes);
        node.value = if address == 0 {
            "null".into()
        } else {
            format!("{address:#x}")
        };
        let Some(target) = target else {
            return;
        };
        if address == 0 {
            return;
        }
        node.target = Some((address, target));
        let pointee = self.ty(target);
        if self.lang == Lang::C && is_char(&pointee) {
            if let Some(text) = self.c_string(address) {
                node.value = format!("{address:#x} {text}");
            }
            return;
        }
        // A Rust reference or Box points at a live value: it is shown below it.
        let followed =
            self.lang == Lang::Rust && (ty.name.starts_with('&') || ty.name.starts_with("Box<"));
        if followed && depth < self.limits.depth && !matches!(pointee.kind, Kind::Opaque) {
            let name = format!("*{}", node.name);
            let child = self.build(
                &name,
                &format!("*{}", node.path),
                Some(target),
                &Source::Memory(address),
                depth + 1,
            );
            node.value = format!("&{}", child.value);
            node.children.push(child);
        }
    }

    /// A NUL-terminated string at `address`, quoted (at most `limits.string` bytes).
    fn c_string(&mut self, address: u64) -> Option<String> {
        let want = self.limits.string;
        let bytes = self.memory.read(address, want);
        if bytes.is_empty() {
            return None;
        }
        self.bytes_read += bytes.len() as u64;
        let end = bytes.iter().position(|&b| b == 0);
        let text = quote(&bytes[..end.unwrap_or(bytes.len())]);
        Some(if end.is_some() {
            text
        } else {
            format!("{text}…")
        })
    }

    fn array(
        &mut self,
        node: &mut Node,
        element: Option<TypeRef>,
        count: Option<u64>,
        source: &Source,
        depth: usize,
    ) {
        let Some(element) = element else {
            return;
        };
        let element_size = self.size(element).unwrap_or(0);
        let Some(count) = count else {
            node.value = "[?]".into();
            return;
        };
        if node.size == 0 {
            node.size = element_size.saturating_mul(count);
        }
        let element_type = self.ty(element);
        if self.lang == Lang::C && is_char(&element_type) && element_size == 1 {
            let shown = count.min(self.limits.string);
            match self.read(source, shown) {
                Some(bytes) => {
                    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
                    node.value = quote(&bytes[..end]);
                }
                None => node.unavailable = Some(outside(source, shown)),
            }
            return;
        }
        self.items(node, element, element_size, count, source, depth, "");
    }

    /// `count` elements of `element` from `source` as `node`'s children `[i]`, and
    /// its value `[a, b, …]` (`prefix` goes before it: a Vec's item count).
    #[allow(clippy::too_many_arguments)]
    pub fn items(
        &mut self,
        node: &mut Node,
        element: TypeRef,
        element_size: u64,
        count: u64,
        source: &Source,
        depth: usize,
        prefix: &str,
    ) {
        let shown = count.min(self.limits.items as u64);
        if depth < self.limits.depth {
            for i in 0..shown {
                if self.exhausted() {
                    break;
                }
                let name = format!("[{i}]");
                let path = format!("{}[{i}]", node.path);
                let at = source.at(i.saturating_mul(element_size));
                let child = self.build(&name, &path, Some(element), &at, depth + 1);
                node.children.push(child);
            }
        }
        let values: Vec<&str> = node.children.iter().map(|c| c.value.as_str()).collect();
        let more = if count > shown || node.children.is_empty() && count > 0 {
            ", …"
        } else {
            ""
        };
        node.value = self.clip(format!("{prefix}[{}{more}]", values.join(", ")));
    }

    fn aggregate(&mut self, node: &mut Node, aggregate: &Aggregate, source: &Source, depth: usize) {
        if let Some(part) = &aggregate.variants {
            super::rust::variant(self, node, part, source, depth);
            return;
        }
        if depth >= self.limits.depth {
            node.value = "{…}".into();
            return;
        }
        for member in aggregate.members.iter().take(self.limits.items) {
            if self.exhausted() {
                break;
            }
            let child = self.member(node, member, source, depth);
            node.children.push(child);
        }
        node.value = self.fields_text(&node.type_name, &node.children);
    }

    /// The node of `member` of the aggregate `parent` at `source`.
    pub fn member(
        &mut self,
        parent: &Node,
        member: &Member,
        source: &Source,
        depth: usize,
    ) -> Node {
        let name = field_name(&member.name);
        let path = format!("{}.{name}", parent.path);
        let mut child = self.build(
            &name,
            &path,
            member.ty,
            &source.at(member.offset),
            depth + 1,
        );
        if let Some((bit_offset, bits)) = member.bits {
            child.value = self.bit_field(source, member.offset, bit_offset, bits);
        }
        child
    }

    fn bit_field(&mut self, source: &Source, offset: u64, bit_offset: u64, bits: u64) -> String {
        let first = offset + bit_offset / 8;
        let span = (bit_offset % 8 + bits).div_ceil(8).min(8);
        match self.read(&source.at(first), span) {
            Some(bytes) => {
                let n = little_endian(&bytes) >> (bit_offset % 8);
                let mask = if bits >= 64 {
                    u64::MAX
                } else {
                    (1 << bits) - 1
                };
                (n & mask).to_string()
            }
            None => "?".into(),
        }
    }

    /// `{x = 1, y = 2}` (C) or `Point { x: 1, y: 2 }` (Rust).
    pub fn fields_text(&self, type_name: &str, fields: &[Node]) -> String {
        let text = if self.lang == Lang::Rust {
            let short = short_rust_name(type_name);
            if fields.is_empty() {
                short.to_owned()
            } else if fields.iter().all(|f| f.name.parse::<u32>().is_ok()) {
                let values: Vec<&str> = fields.iter().map(|f| f.value.as_str()).collect();
                format!("{short}({})", values.join(", "))
            } else {
                let values: Vec<String> = fields
                    .iter()
                    .map(|f| format!("{}: {}", f.name, f.value))
                    .collect();
                format!("{short} {{ {} }}", values.join(", "))
            }
        } else {
            let values: Vec<String> = fields
                .iter()
                .map(|f| format!("{} = {}", f.name, f.value))
                .collect();
            format!("{{{}}}", values.join(", "))
        };
        self.clip(text)
    }

    /// `text` cut to the one-line limit.
    pub fn clip(&self, text: String) -> String {
        if text.chars().count() <= self.limits.text {
            return text;
        }
        let mut cut: String = text.chars().take(self.limits.text).collect();
        cut.push('…');
        cut
    }
}

/// Rust's tuple fields are `__0`, `__1` in DWARF; a programmer writes `.0`.
fn field_name(name: &str) -> String {
    match name.strip_prefix("__") {
        Some(n) if n.parse::<u32>().is_ok() => n.to_owned(),
        _ if name.is_empty() => "<anonymous>".to_owned(),
        _ => name.to_owned(),
    }
}

/// `dwarf_rust::Point` → `Point`; `Vec<u8>` stays.
pub(super) fn short_rust_name(name: &str) -> &str {
    let head = name.split('<').next().unwrap_or(name);
    match head.rfind("::") {
        Some(at) => &name[at + 2..],
        None => name,
    }
}

fn is_char(ty: &Type) -> bool {
    matches!(
        ty.kind,
        Kind::Base(gimli::DW_ATE_signed_char | gimli::DW_ATE_unsigned_char)
    ) && ty.size == Some(1)
}

fn outside(source: &Source, len: u64) -> String {
    match source.address() {
        Some(at) => format!("its {len} bytes at {at:#x} are outside memory"),
        None => format!("its {len} bytes are not all there"),
    }
}

fn sign_extend(n: u64, bytes: usize) -> i64 {
    if bytes == 0 || bytes >= 8 {
        return n as i64;
    }
    let shift = 64 - 8 * bytes as u32;
    ((n << shift) as i64) >> shift
}

/// A base type's value as its language prints it.
fn base_value(encoding: gimli::DwAte, bytes: &[u8]) -> String {
    let n = little_endian(bytes);
    match encoding {
        gimli::DW_ATE_boolean => (n != 0).to_string(),
        gimli::DW_ATE_float if bytes.len() == 4 => f32::from_bits(n as u32).to_string(),
        gimli::DW_ATE_float if bytes.len() == 8 => f64::from_bits(n).to_string(),
        gimli::DW_ATE_signed => sign_extend(n, bytes.len()).to_string(),
        gimli::DW_ATE_signed_char | gimli::DW_ATE_unsigned_char if bytes.len() == 1 => {
            let shown = if encoding == gimli::DW_ATE_signed_char {
                sign_extend(n, 1).to_string()
            } else {
                n.to_string()
            };
            format!("{shown} {}", quote_char(bytes[0]))
        }
        gimli::DW_ATE_UTF => match char::from_u32(n as u32) {
            Some(c) => format!("{c:?}"),
            None => format!("{n:#x}"),
        },
        _ if bytes.len() > 8 => format!(
            "0x{}",
            bytes
                .iter()
                .rev()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        ),
        _ => n.to_string(),
    }
}

/// `'A'`, `'\n'`, `'\x00'`.
fn quote_char(byte: u8) -> String {
    format!("'{}'", std::ascii::escape_default(byte))
}

/// Bytes as a quoted string (UTF-8 where valid, escapes elsewhere).
pub(super) fn quote(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}
