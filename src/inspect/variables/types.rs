//! DWARF types, read one DIE (and its direct children) at a time: a type names the
//! types it is made of by reference, so reading one never recurses and a cycle in
//! the type graph (a list node pointing at itself, or damaged DWARF) cannot loop.
//! Names of anonymous types (`point *`, `short[8]`) are built with a depth bound.

use std::collections::HashMap;
use std::sync::Arc;

use gimli::{AttributeValue, DebuggingInformationEntry, DwAte, UnitOffset};

use super::index::Units;
use super::{Reader, TypeRef};

/// How deep an anonymous type's name is built (`int ***`), and a type alias followed.
const NAME_DEPTH: usize = 8;

/// One type.
#[derive(Debug)]
pub(super) struct Type {
    /// As a programmer writes it: `short`, `point *`, `alloc::string::String`.
    pub name: String,
    /// Its size in bytes, when DWARF gives it (or it follows: a pointer's).
    pub size: Option<u64>,
    pub kind: Kind,
}

/// What a type is.
#[derive(Debug)]
pub(super) enum Kind {
    /// A number, a character or a boolean.
    Base(DwAte),
    /// A pointer or reference to `target` (`None`: `void *`).
    Pointer(Option<TypeRef>),
    /// A struct, union or class (a Rust enum is a struct with a variant part).
    Aggregate(Aggregate),
    /// `count` elements of `element` (`None`: unknown count, a flexible array).
    Array {
        element: Option<TypeRef>,
        count: Option<u64>,
    },
    /// A C enum: its enumerators.
    Enum(Vec<(String, i64)>),
    /// typedef, const, volatile, restrict, atomic: the type they name.
    Alias(Option<TypeRef>),
    /// `void`, functions, anything else: no value to show.
    Opaque,
}

/// The fields of a struct or union, and a Rust enum's variants.
#[derive(Debug, Default)]
pub(super) struct Aggregate {
    pub members: Vec<Member>,
    pub variants: Option<VariantPart>,
    /// Template type parameters (`T` of `Vec<T>`), by name.
    pub params: Vec<(String, TypeRef)>,
}

/// One field.
#[derive(Clone, Debug)]
pub(super) struct Member {
    /// Empty for an anonymous member.
    pub name: String,
    pub ty: Option<TypeRef>,
    /// Its offset in bytes from the start of the aggregate.
    pub offset: u64,
    /// A bit field: (bit offset from `offset`, bit size).
    pub bits: Option<(u64, u64)>,
}

/// A Rust enum's variants (DWARF's `DW_TAG_variant_part`).
#[derive(Debug, Default)]
pub(super) struct VariantPart {
    /// The member holding the discriminant (`None`: a single-variant enum).
    pub discr: Option<Member>,
    pub variants: Vec<Variant>,
}

/// One variant: the discriminant value that selects it (`None`: every other value)
/// and its fields as one member of a struct type named after the variant.
#[derive(Debug)]
pub(super) struct Variant {
    pub value: Option<u64>,
    pub member: Member,
}

impl Type {
    fn opaque(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            size: None,
            kind: Kind::Opaque,
        }
    }
}

/// The types read so far.
#[derive(Default)]
pub(super) struct Types {
    known: HashMap<TypeRef, Arc<Type>>,
}

impl Types {
    /// The type at `at` (an unreadable DIE is an opaque type that says so).
    pub fn get(&mut self, units: &Units, at: TypeRef) -> Arc<Type> {
        self.get_named(units, at, 0)
    }

    fn get_named(&mut self, units: &Units, at: TypeRef, depth: usize) -> Arc<Type> {
        if let Some(found) = self.known.get(&at) {
            return found.clone();
        }
        let read = match units.entry(at) {
            Some(entry) => self.read(units, at, &entry, depth),
            None => Type::opaque("<unreadable type>"),
        };
        let read = Arc::new(read);
        self.known.insert(at, read.clone());
        read
    }

    /// The type after typedefs and qualifiers (bounded: a typedef cycle stops).
    pub fn resolved(&mut self, units: &Units, at: TypeRef) -> Arc<Type> {
        let mut here = self.get(units, at);
        for _ in 0..NAME_DEPTH {
            let Kind::Alias(Some(next)) = here.kind else {
                break;
            };
            here = self.get(units, next);
        }
        here
    }

    /// The size of the type at `at`, through aliases.
    pub fn size(&mut self, units: &Units, at: TypeRef) -> Option<u64> {
        let ty = self.resolved(units, at);
        match ty.kind {
            Kind::Array { element, count } => {
                let element = self.size(units, element?)?;
                ty.size.or_else(|| element.checked_mul(count?))
            }
            _ => ty.size,
        }
    }

    fn read(
        &mut self,
        units: &Units,
        at: TypeRef,
        entry: &DebuggingInformationEntry<Reader>,
        depth: usize,
    ) -> Type {
        let name = units.name(at.unit, entry);
        let size = entry
            .attr_value(gimli::DW_AT_byte_size)
            .and_then(|v| v.udata_value());
        let target = units.type_ref(at.unit, entry);
        let named = |types: &mut Self, suffix: &str| -> String {
            name.clone().unwrap_or_else(|| {
                let inner = match target {
                    Some(t) if depth < NAME_DEPTH => {
                        types.get_named(units, t, depth + 1).name.clone()
                    }
                    Some(_) => "…".to_owned(),
                    None => "void".to_owned(),
                };
                format!("{inner}{suffix}")
            })
        };
        match entry.tag() {
            gimli::DW_TAG_base_type => Type {
                name: name.unwrap_or_else(|| "?".to_owned()),
                size,
                kind: entry
                    .attr_value(gimli::DW_AT_encoding)
                    .and_then(|v| match v {
                        AttributeValue::Encoding(e) => Some(Kind::Base(e)),
                        _ => None,
                    })
                    .unwrap_or(Kind::Opaque),
            },
            gimli::DW_TAG_pointer_type
            | gimli::DW_TAG_reference_type
            | gimli::DW_TAG_rvalue_reference_type => {
                let suffix = if entry.tag() == gimli::DW_TAG_pointer_type {
                    " *"
                } else {
                    " &"
                };
                Type {
                    name: named(self, suffix),
                    size: size.or(Some(u64::from(units.address_size(at.unit)))),
                    kind: Kind::Pointer(target),
                }
            }
            gimli::DW_TAG_typedef
            | gimli::DW_TAG_const_type
            | gimli::DW_TAG_volatile_type
            | gimli::DW_TAG_restrict_type
            | gimli::DW_TAG_atomic_type => {
                let prefix = match entry.tag() {
                    gimli::DW_TAG_const_type => "const ",
                    gimli::DW_TAG_volatile_type => "volatile ",
                    _ => "",
                };
                let inner = target
                    .filter(|_| depth < NAME_DEPTH)
                    .map(|t| self.get_named(units, t, depth + 1));
                Type {
                    name: name.unwrap_or_else(|| {
                        let inner = inner.as_ref().map_or("void", |t| t.name.as_str());
                        format!("{prefix}{inner}")
                    }),
                    size: size.or_else(|| inner.as_ref().and_then(|t| t.size)),
                    kind: Kind::Alias(target),
                }
            }
            gimli::DW_TAG_structure_type | gimli::DW_TAG_class_type | gimli::DW_TAG_union_type => {
                let union = entry.tag() == gimli::DW_TAG_union_type;
                let keyword = if union { "union" } else { "struct" };
                let aggregate = units.aggregate(at);
                Type {
                    name: name.unwrap_or_else(|| format!("{keyword} <anonymous>")),
                    size,
                    kind: Kind::Aggregate(aggregate),
                }
            }
            gimli::DW_TAG_array_type => {
                let count = units.array_count(at);
                let element = target.filter(|_| depth < NAME_DEPTH);
                let element_type = element.map(|t| self.get_named(units, t, depth + 1));
                let element_name = element_type.as_ref().map_or("?", |t| t.name.as_str());
                let shown = count.map_or_else(String::new, |c| c.to_string());
                Type {
                    name: name.unwrap_or_else(|| format!("{element_name}[{shown}]")),
                    size,
                    kind: Kind::Array {
                        element: target,
                        count,
                    },
                }
            }
            gimli::DW_TAG_enumeration_type => Type {
                name: name.unwrap_or_else(|| "enum <anonymous>".to_owned()),
                size,
                kind: Kind::Enum(units.enumerators(at)),
            },
            gimli::DW_TAG_unspecified_type => Type::opaque(name.unwrap_or_else(|| "void".into())),
            gimli::DW_TAG_subroutine_type => Type {
                name: name.unwrap_or_else(|| "fn(…)".to_owned()),
                size,
                kind: Kind::Opaque,
            },
            _ => Type::opaque(name.unwrap_or_else(|| "?".to_owned())),
        }
    }
}

/// The unit-relative offset an attribute refers to (a reference into another unit,
/// rare in the compilers seen here, is not followed).
pub(super) fn unit_offset(value: AttributeValue<Reader>) -> Option<UnitOffset<usize>> {
    match value {
        AttributeValue::UnitRef(offset) => Some(offset),
        _ => None,
    }
}
