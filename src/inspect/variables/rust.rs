//! Rust's types as a Rust programmer reads them: `String` and `&str` as their text,
//! `Vec<T>` and slices as their items (on the heap), enums (`Option` among them) as
//! their active variant. Recognised by the shapes rustc's DWARF gives them (names,
//! members, template parameters); anything else is shown as the plain struct it is.

use super::Node;
use super::index::Lang;
use super::location::little_endian;
use super::types::{Aggregate, Kind, Type, VariantPart};
use super::value::{Builder, Source, quote, short_rust_name};
use super::{Span, TypeRef};

/// How many members deep a `Vec`'s pointer and capacity are looked for.
const LEAF_DEPTH: usize = 8;

/// Shows `node` as a `String`, `&str`, `Vec` or slice when it is one; `false` when
/// it is not (or not Rust).
pub(super) fn special(
    builder: &mut Builder<'_>,
    node: &mut Node,
    ty: &Type,
    aggregate: &Aggregate,
    source: &Source,
    depth: usize,
) -> bool {
    if builder.lang != Lang::Rust {
        return false;
    }
    let name = ty.name.as_str();
    let member = |wanted: &str| aggregate.members.iter().find(|m| m.name == wanted);
    if name == "String"
        && let Some(vec) = member("vec").and_then(|m| Some((m.offset, m.ty?)))
    {
        return text(builder, node, source.at(vec.0), vec.1);
    }
    if let (Some(ptr), Some(len)) = (member("data_ptr"), member("length")) {
        let (Some(ptr_ty), Some(len_ty)) = (ptr.ty, len.ty) else {
            return false;
        };
        let Some((data, count)) = pair(builder, source, ptr.offset, ptr_ty, len.offset, len_ty)
        else {
            node.unavailable = Some("its pointer and length cannot be read".into());
            return true;
        };
        if name == "&str" || name == "&mut str" {
            show_text(builder, node, data, count);
            return true;
        }
        let element = match builder.ty(ptr_ty).kind {
            Kind::Pointer(element) => element,
            _ => None,
        };
        if let Some(element) = element {
            heap_items(builder, node, element, data, count, depth);
            return true;
        }
        return false;
    }
    if name.starts_with("Vec<") {
        let element = aggregate
            .params
            .iter()
            .find(|(n, _)| n == "T")
            .map(|(_, t)| *t);
        if let Some(element) = element {
            return vec(builder, node, aggregate, source, element, depth);
        }
    }
    false
}

/// A `String` (its `vec: Vec<u8>` at `vec`) as its text.
fn text(builder: &mut Builder<'_>, node: &mut Node, vec: Source, vec_ty: TypeRef) -> bool {
    let ty = builder.ty(vec_ty);
    let Kind::Aggregate(aggregate) = &ty.kind else {
        return false;
    };
    match vec_parts(builder, aggregate, &vec) {
        Some((data, len, capacity)) => {
            show_text(builder, node, data, len);
            if let Some(capacity) = capacity {
                node.value = format!("{} (capacity {capacity})", node.value);
            }
        }
        None => node.unavailable = Some("its buffer cannot be read".into()),
    }
    true
}

/// `len` bytes at `data` as a quoted string, owned on the heap.
fn show_text(builder: &mut Builder<'_>, node: &mut Node, data: u64, len: u64) {
    node.heap = (len > 0).then_some(Span {
        address: data,
        size: len,
    });
    let shown = len.min(builder.limits.string);
    match builder.read(&Source::Memory(data), shown) {
        Some(bytes) => {
            let more = if shown < len { "…" } else { "" };
            node.value = format!("{}{more}", quote(&bytes));
        }
        None => node.unavailable = Some(format!("its {len} bytes at {data:#x} are outside memory")),
    }
}

/// A `Vec<element>` as its items.
fn vec(
    builder: &mut Builder<'_>,
    node: &mut Node,
    aggregate: &Aggregate,
    source: &Source,
    element: TypeRef,
    depth: usize,
) -> bool {
    match vec_parts(builder, aggregate, source) {
        Some((data, len, _)) => heap_items(builder, node, element, data, len, depth),
        None => node.unavailable = Some("its buffer cannot be read".into()),
    }
    true
}

/// `count` items of `element` at `data` (a Vec's or slice's), as children.
fn heap_items(
    builder: &mut Builder<'_>,
    node: &mut Node,
    element: TypeRef,
    data: u64,
    count: u64,
    depth: usize,
) {
    let size = builder.size(element).unwrap_or(0);
    let bytes = size.saturating_mul(count);
    node.heap = (bytes > 0).then_some(Span {
        address: data,
        size: bytes,
    });
    let noun = if count == 1 { "item" } else { "items" };
    builder.items(
        node,
        element,
        size,
        count,
        &Source::Memory(data),
        depth,
        &format!("{count} {noun} "),
    );
}

/// A `Vec`'s data pointer, length and capacity: `len` is a member; the pointer is
/// the first pointer inside `buf`, the capacity the first number inside its `cap`.
fn vec_parts(
    builder: &mut Builder<'_>,
    aggregate: &Aggregate,
    source: &Source,
) -> Option<(u64, u64, Option<u64>)> {
    let len = aggregate.members.iter().find(|m| m.name == "len")?;
    let buf = aggregate.members.iter().find(|m| m.name == "buf")?;
    let (ptr_offset, ptr_ty) = leaf(
        builder,
        buf.ty?,
        buf.offset,
        &|k| matches!(k, Kind::Pointer(_)),
        None,
        0,
    )?;
    let (data, count) = pair(builder, source, ptr_offset, ptr_ty, len.offset, len.ty?)?;
    let capacity = leaf(
        builder,
        buf.ty?,
        buf.offset,
        &|k| matches!(k, Kind::Base(_)),
        Some("cap"),
        0,
    )
    .and_then(|(offset, ty)| number(builder, source, offset, ty));
    Some((data, count, capacity))
}

/// Two numbers (a pointer and a length) at offsets of `source`.
fn pair(
    builder: &mut Builder<'_>,
    source: &Source,
    first: u64,
    first_ty: TypeRef,
    second: u64,
    second_ty: TypeRef,
) -> Option<(u64, u64)> {
    Some((
        number(builder, source, first, first_ty)?,
        number(builder, source, second, second_ty)?,
    ))
}

fn number(builder: &mut Builder<'_>, source: &Source, offset: u64, ty: TypeRef) -> Option<u64> {
    let size = builder.size(ty)?.min(8);
    builder
        .read(&source.at(offset), size)
        .map(|b| little_endian(&b))
}

/// The first member (depth first) below type `ty` at `offset` whose kind is `wanted`,
/// inside a member named `within` when given: its offset and type.
fn leaf(
    builder: &mut Builder<'_>,
    ty: TypeRef,
    offset: u64,
    wanted: &dyn Fn(&Kind) -> bool,
    within: Option<&str>,
    depth: usize,
) -> Option<(u64, TypeRef)> {
    if depth > LEAF_DEPTH {
        return None;
    }
    let resolved = builder.ty(ty);
    if within.is_none() && wanted(&resolved.kind) {
        return Some((offset, ty));
    }
    let Kind::Aggregate(aggregate) = &resolved.kind else {
        return None;
    };
    aggregate.members.iter().find_map(|m| {
        let inside = match within {
            Some(name) if m.name == name => None,
            other => other,
        };
        leaf(builder, m.ty?, offset + m.offset, wanted, inside, depth + 1)
    })
}

/// A Rust enum: the variant its discriminant selects, as `Dot(…)`, `Line { … }`,
/// `None`; its fields are the node's children.
pub(super) fn variant(
    builder: &mut Builder<'_>,
    node: &mut Node,
    part: &VariantPart,
    source: &Source,
    depth: usize,
) {
    let discr = match &part.discr {
        Some(member) => {
            let Some(ty) = member.ty else {
                node.unavailable = Some("its discriminant has no type".into());
                return;
            };
            match number(builder, source, member.offset, ty) {
                Some(value) => Some(value),
                None => {
                    node.unavailable = Some("its discriminant cannot be read".into());
                    return;
                }
            }
        }
        None => None,
    };
    let chosen = part
        .variants
        .iter()
        .find(|v| v.value.is_some() && v.value == discr)
        .or_else(|| part.variants.iter().find(|v| v.value.is_none()))
        .or_else(|| part.variants.first().filter(|_| discr.is_none()));
    let Some(chosen) = chosen else {
        node.value = format!("<unknown variant {}>", discr.unwrap_or(0));
        return;
    };
    let variant_name = chosen.member.name.clone();
    let Some(variant_ty) = chosen.member.ty else {
        node.value = variant_name;
        return;
    };
    let fields_ty = builder.ty(variant_ty);
    if let Kind::Aggregate(fields) = &fields_ty.kind
        && depth < builder.limits.depth
    {
        let at = source.at(chosen.member.offset);
        for member in fields.members.iter().take(builder.limits.items) {
            if builder.exhausted() {
                break;
            }
            let child = builder.member(node, member, &at, depth);
            node.children.push(child);
        }
    }
    node.value = builder.fields_text(short_rust_name(&variant_name), &node.children);
}
