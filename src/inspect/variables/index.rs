//! Finding things in `.debug_info`: the compile units, the function (subprogram)
//! whose code holds an address, the variables in scope there (its parameters and
//! locals, and those of the lexical blocks that hold the address), a unit's static
//! variables, and the parts of a type's DIE. Walks are bounded; a DIE that cannot be
//! read is skipped.

use std::ops::Range;
use std::sync::OnceLock;

use gimli::{AttributeValue, DebuggingInformationEntry, EntriesTreeNode, Reader as _, UnitOffset};

use super::types::{Aggregate, Member, Variant, VariantPart, unit_offset};
use super::{Reader, TypeRef};

/// How many DIEs deep a scope walk goes, and how many variables a scope keeps.
const MAX_DEPTH: usize = 32;
const MAX_VARIABLES: usize = 512;
/// Statics listed for a compile unit, and children read of one DIE.
const MAX_STATICS: usize = 256;
const MAX_CHILDREN: usize = 4096;

/// A unit's source language, as far as showing values goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Lang {
    C,
    Rust,
    Other,
}

/// A variable's DIE, read.
#[derive(Clone, Debug)]
pub(super) struct VarDie {
    pub name: String,
    pub ty: Option<TypeRef>,
    pub location: VarLocation,
    pub param: bool,
}

/// Where DWARF says a variable is at the address asked about.
#[derive(Clone, Debug)]
pub(super) enum VarLocation {
    /// A location expression to evaluate.
    Expr(gimli::Expression<Reader>),
    /// A constant value (`DW_AT_const_value`), as little-endian bytes.
    Const(Vec<u8>),
    /// Not available here: why.
    Unavailable(&'static str),
}

/// The function at an address: its name, frame base, and variables in scope.
pub(super) struct Scope {
    pub unit: usize,
    pub function: Option<String>,
    pub frame_base: Option<gimli::Expression<Reader>>,
    pub variables: Vec<VarDie>,
}

struct UnitInfo {
    unit: gimli::Unit<Reader>,
    ranges: Vec<Range<u64>>,
    lang: Lang,
    /// Each subprogram with code: its address range and DIE, built on first use.
    subprograms: OnceLock<Vec<(Range<u64>, UnitOffset<usize>)>>,
    statics: OnceLock<Vec<VarDie>>,
}

/// The compile units of a module's DWARF.
pub(super) struct Units {
    dwarf: gimli::Dwarf<Reader>,
    units: Vec<UnitInfo>,
}

impl Units {
    /// Reads the unit headers (a unit that cannot be read is left out).
    pub fn new(dwarf: gimli::Dwarf<Reader>) -> Self {
        let mut units = Vec::new();
        let mut headers = dwarf.units();
        while let Ok(Some(header)) = headers.next() {
            let Ok(unit) = dwarf.unit(header) else {
                continue;
            };
            let ranges = unit_ranges(&dwarf, &unit);
            let lang = language(&unit);
            units.push(UnitInfo {
                unit,
                ranges,
                lang,
                subprograms: OnceLock::new(),
                statics: OnceLock::new(),
            });
        }
        Self { dwarf, units }
    }

    pub fn lang(&self, unit: usize) -> Lang {
        self.units.get(unit).map_or(Lang::Other, |u| u.lang)
    }

    pub fn encoding(&self, unit: usize) -> Option<gimli::Encoding> {
        self.units.get(unit).map(|u| u.unit.encoding())
    }

    pub fn address_size(&self, unit: usize) -> u8 {
        self.units
            .get(unit)
            .map_or(4, |u| u.unit.encoding().address_size)
    }

    /// The DIE at `at`.
    pub fn entry(&self, at: TypeRef) -> Option<DebuggingInformationEntry<Reader>> {
        let unit = &self.units.get(at.unit)?.unit;
        unit.entry(UnitOffset(at.offset)).ok()
    }

    /// A DIE's name, or its abstract origin's or specification's (bounded).
    pub fn name(&self, unit: usize, entry: &DebuggingInformationEntry<Reader>) -> Option<String> {
        let info = self.units.get(unit)?;
        let mut here = entry.clone();
        for _ in 0..4 {
            if let Some(value) = here.attr_value(gimli::DW_AT_name) {
                let text = self.dwarf.attr_string(&info.unit, value).ok()?;
                return Some(text.to_string_lossy().ok()?.into_owned());
            }
            here = self.origin(unit, &here)?;
        }
        None
    }

    /// A DIE's `DW_AT_type`, or its abstract origin's (bounded).
    pub fn type_ref(
        &self,
        unit: usize,
        entry: &DebuggingInformationEntry<Reader>,
    ) -> Option<TypeRef> {
        let mut here = entry.clone();
        for _ in 0..4 {
            if let Some(value) = here.attr_value(gimli::DW_AT_type) {
                let offset = unit_offset(value)?;
                return Some(TypeRef {
                    unit,
                    offset: offset.0,
                });
            }
            here = self.origin(unit, &here)?;
        }
        None
    }

    fn origin(
        &self,
        unit: usize,
        entry: &DebuggingInformationEntry<Reader>,
    ) -> Option<DebuggingInformationEntry<Reader>> {
        let value = entry
            .attr_value(gimli::DW_AT_abstract_origin)
            .or_else(|| entry.attr_value(gimli::DW_AT_specification))?;
        let offset = unit_offset(value)?;
        self.entry(TypeRef {
            unit,
            offset: offset.0,
        })
    }

    /// The DIEs directly below `at`, in order (bounded).
    fn children(&self, at: TypeRef) -> Vec<(TypeRef, DebuggingInformationEntry<Reader>)> {
        let mut found = Vec::new();
        let Some(info) = self.units.get(at.unit) else {
            return found;
        };
        let Ok(mut tree) = info.unit.entries_tree(Some(UnitOffset(at.offset))) else {
            return found;
        };
        let Ok(root) = tree.root() else {
            return found;
        };
        let mut children = root.children();
        while let Ok(Some(child)) = children.next() {
            if found.len() >= MAX_CHILDREN {
                break;
            }
            let entry = child.entry().clone();
            let here = TypeRef {
                unit: at.unit,
                offset: entry.offset().0,
            };
            found.push((here, entry));
        }
        found
    }

    /// The members, variant part and template parameters of the aggregate at `at`.
    pub fn aggregate(&self, at: TypeRef) -> Aggregate {
        let mut aggregate = Aggregate::default();
        for (here, entry) in self.children(at) {
            match entry.tag() {
                gimli::DW_TAG_member if entry.attr_value(gimli::DW_AT_external).is_none() => {
                    aggregate.members.push(self.member(at.unit, &entry));
                }
                gimli::DW_TAG_variant_part => {
                    aggregate.variants = Some(self.variant_part(here, &entry));
                }
                gimli::DW_TAG_template_type_parameter => {
                    let name = self.name(at.unit, &entry).unwrap_or_default();
                    if let Some(ty) = self.type_ref(at.unit, &entry) {
                        aggregate.params.push((name, ty));
                    }
                }
                _ => {}
            }
        }
        aggregate
    }

    fn member(&self, unit: usize, entry: &DebuggingInformationEntry<Reader>) -> Member {
        let offset = match entry.attr_value(gimli::DW_AT_data_member_location) {
            Some(value) => value.udata_value().unwrap_or(0),
            None => 0,
        };
        let bit_size = entry
            .attr_value(gimli::DW_AT_bit_size)
            .and_then(|v| v.udata_value());
        let bits = bit_size.map(|size| {
            let bit_offset = entry
                .attr_value(gimli::DW_AT_data_bit_offset)
                .and_then(|v| v.udata_value())
                .unwrap_or(0);
            (bit_offset, size)
        });
        Member {
            name: self.name(unit, entry).unwrap_or_default(),
            ty: self.type_ref(unit, entry),
            offset,
            bits,
        }
    }

    fn variant_part(&self, at: TypeRef, part: &DebuggingInformationEntry<Reader>) -> VariantPart {
        let discr_at = part.attr_value(gimli::DW_AT_discr).and_then(unit_offset);
        let mut found = VariantPart::default();
        for (_, entry) in self.children(at) {
            match entry.tag() {
                gimli::DW_TAG_member if Some(entry.offset()) == discr_at => {
                    found.discr = Some(self.member(at.unit, &entry));
                }
                gimli::DW_TAG_variant => {
                    let here = TypeRef {
                        unit: at.unit,
                        offset: entry.offset().0,
                    };
                    let value = entry
                        .attr_value(gimli::DW_AT_discr_value)
                        .and_then(|v| v.udata_value());
                    let member = self
                        .children(here)
                        .into_iter()
                        .find(|(_, e)| e.tag() == gimli::DW_TAG_member)
                        .map(|(_, e)| self.member(at.unit, &e));
                    if let Some(member) = member {
                        found.variants.push(Variant { value, member });
                    }
                }
                _ => {}
            }
        }
        found
    }

    /// The element count of the array at `at` (all dimensions multiplied).
    pub fn array_count(&self, at: TypeRef) -> Option<u64> {
        let mut total: Option<u64> = None;
        for (_, entry) in self.children(at) {
            if entry.tag() != gimli::DW_TAG_subrange_type {
                continue;
            }
            let count = match entry.attr_value(gimli::DW_AT_count) {
                Some(v) => v.udata_value(),
                None => {
                    let lower = entry
                        .attr_value(gimli::DW_AT_lower_bound)
                        .and_then(|v| v.udata_value())
                        .unwrap_or(0);
                    entry
                        .attr_value(gimli::DW_AT_upper_bound)
                        .and_then(|v| v.udata_value())
                        .and_then(|upper| (upper + 1).checked_sub(lower))
                }
            };
            total = Some(total.unwrap_or(1).checked_mul(count?)?);
        }
        total
    }

    /// The enumerators of the C enum at `at`.
    pub fn enumerators(&self, at: TypeRef) -> Vec<(String, i64)> {
        self.children(at)
            .into_iter()
            .filter(|(_, e)| e.tag() == gimli::DW_TAG_enumerator)
            .filter_map(|(_, e)| {
                let value = e.attr_value(gimli::DW_AT_const_value)?;
                let value = value
                    .sdata_value()
                    .or_else(|| value.udata_value().map(|v| v as i64))?;
                Some((self.name(at.unit, &e)?, value))
            })
            .collect()
    }

    /// The function whose code holds DWARF address `address`, and what is in scope.
    pub fn scope_at(&self, address: u64) -> Option<Scope> {
        let (unit, info) = self
            .units
            .iter()
            .enumerate()
            .find(|(_, u)| u.ranges.iter().any(|r| r.contains(&address)))?;
        let subprograms = info
            .subprograms
            .get_or_init(|| subprograms(&self.dwarf, &info.unit));
        let (_, offset) = subprograms
            .iter()
            .filter(|(range, _)| range.contains(&address))
            .min_by_key(|(range, _)| range.end - range.start)?;
        let function = info.unit.entry(*offset).ok()?;
        let mut scope = Scope {
            unit,
            function: self.name(unit, &function),
            frame_base: function
                .attr_value(gimli::DW_AT_frame_base)
                .and_then(|v| v.exprloc_value()),
            variables: Vec::new(),
        };
        let mut tree = info.unit.entries_tree(Some(*offset)).ok()?;
        let root = tree.root().ok()?;
        self.collect(unit, root, address, &mut scope.variables, 0);
        Some(scope)
    }

    /// The static variables of unit `unit` (file scope, and Rust's namespaces).
    pub fn statics(&self, unit: usize) -> &[VarDie] {
        let Some(info) = self.units.get(unit) else {
            return &[];
        };
        info.statics.get_or_init(|| {
            let mut found = Vec::new();
            if let Ok(mut tree) = info.unit.entries_tree(None)
                && let Ok(root) = tree.root()
            {
                self.collect_statics(unit, root, &mut found, 0);
            }
            found
        })
    }

    fn collect_statics(
        &self,
        unit: usize,
        node: EntriesTreeNode<'_, '_, Reader>,
        found: &mut Vec<VarDie>,
        depth: usize,
    ) {
        let mut children = node.children();
        while let Ok(Some(child)) = children.next() {
            if found.len() >= MAX_STATICS {
                return;
            }
            let entry = child.entry();
            match entry.tag() {
                gimli::DW_TAG_variable if entry.attr_value(gimli::DW_AT_location).is_some() => {
                    let var = self.var_die(unit, entry, u64::MAX);
                    found.push(var);
                }
                gimli::DW_TAG_namespace if depth < MAX_DEPTH => {
                    self.collect_statics(unit, child, found, depth + 1);
                }
                _ => {}
            }
        }
    }

    fn collect(
        &self,
        unit: usize,
        node: EntriesTreeNode<'_, '_, Reader>,
        address: u64,
        found: &mut Vec<VarDie>,
        depth: usize,
    ) {
        let Some(info) = self.units.get(unit) else {
            return;
        };
        let mut children = node.children();
        while let Ok(Some(child)) = children.next() {
            if found.len() >= MAX_VARIABLES {
                return;
            }
            let entry = child.entry();
            match entry.tag() {
                gimli::DW_TAG_formal_parameter | gimli::DW_TAG_variable => {
                    found.push(self.var_die(unit, entry, address));
                }
                gimli::DW_TAG_lexical_block if depth < MAX_DEPTH => {
                    let ranges = die_ranges(&self.dwarf, &info.unit, entry);
                    if ranges.is_empty() || ranges.iter().any(|r| r.contains(&address)) {
                        self.collect(unit, child, address, found, depth + 1);
                    }
                }
                _ => {}
            }
        }
    }

    /// A variable's name, type and location at DWARF address `address`.
    fn var_die(
        &self,
        unit: usize,
        entry: &DebuggingInformationEntry<Reader>,
        address: u64,
    ) -> VarDie {
        VarDie {
            name: self
                .name(unit, entry)
                .unwrap_or_else(|| "<unnamed>".to_owned()),
            ty: self.type_ref(unit, entry),
            location: self.location(unit, entry, address),
            param: entry.tag() == gimli::DW_TAG_formal_parameter,
        }
    }

    fn location(
        &self,
        unit: usize,
        entry: &DebuggingInformationEntry<Reader>,
        address: u64,
    ) -> VarLocation {
        let Some(info) = self.units.get(unit) else {
            return VarLocation::Unavailable("its compile unit cannot be read");
        };
        let Some(value) = entry.attr_value(gimli::DW_AT_location) else {
            return match entry.attr_value(gimli::DW_AT_const_value) {
                Some(value) => constant(value),
                None => VarLocation::Unavailable("optimised out"),
            };
        };
        if let Some(expression) = value.exprloc_value() {
            return VarLocation::Expr(expression);
        }
        let Ok(Some(mut list)) = self.dwarf.attr_locations(&info.unit, value) else {
            return VarLocation::Unavailable("its location list cannot be read");
        };
        let mut entries = 0;
        while let Ok(Some(entry)) = list.next() {
            entries += 1;
            if entries > MAX_CHILDREN {
                break;
            }
            if (entry.range.begin..entry.range.end).contains(&address) {
                return VarLocation::Expr(entry.data);
            }
        }
        VarLocation::Unavailable("optimised out at this instruction")
    }
}

/// A `DW_AT_const_value` as bytes.
fn constant(value: AttributeValue<Reader>) -> VarLocation {
    use gimli::Reader as _;
    match value {
        AttributeValue::Block(bytes) => match bytes.to_slice() {
            Ok(bytes) => VarLocation::Const(bytes.into_owned()),
            Err(_) => VarLocation::Unavailable("its constant cannot be read"),
        },
        AttributeValue::Sdata(v) => VarLocation::Const(v.to_le_bytes().to_vec()),
        other => match other.udata_value() {
            Some(v) => VarLocation::Const(v.to_le_bytes().to_vec()),
            None => VarLocation::Unavailable("its constant cannot be read"),
        },
    }
}

fn language(unit: &gimli::Unit<Reader>) -> Lang {
    let mut entries = unit.entries();
    let Ok(Some(root)) = entries.next_dfs() else {
        return Lang::Other;
    };
    match root.attr_value(gimli::DW_AT_language) {
        Some(AttributeValue::Language(gimli::DW_LANG_Rust)) => Lang::Rust,
        Some(AttributeValue::Language(
            gimli::DW_LANG_C
            | gimli::DW_LANG_C89
            | gimli::DW_LANG_C99
            | gimli::DW_LANG_C11
            | gimli::DW_LANG_C17
            | gimli::DW_LANG_C_plus_plus
            | gimli::DW_LANG_C_plus_plus_03
            | gimli::DW_LANG_C_plus_plus_11
            | gimli::DW_LANG_C_plus_plus_14
            | gimli::DW_LANG_C_plus_plus_17
            | gimli::DW_LANG_C_plus_plus_20,
        )) => Lang::C,
        _ => Lang::Other,
    }
}

fn unit_ranges(dwarf: &gimli::Dwarf<Reader>, unit: &gimli::Unit<Reader>) -> Vec<Range<u64>> {
    let mut found = Vec::new();
    if let Ok(mut ranges) = dwarf.unit_ranges(unit) {
        while let Ok(Some(range)) = ranges.next() {
            if useful(range.begin..range.end) {
                found.push(range.begin..range.end);
            }
        }
    }
    found
}

fn die_ranges(
    dwarf: &gimli::Dwarf<Reader>,
    unit: &gimli::Unit<Reader>,
    entry: &DebuggingInformationEntry<Reader>,
) -> Vec<Range<u64>> {
    let mut found = Vec::new();
    if let Ok(mut ranges) = dwarf.die_ranges(unit, entry) {
        while let Ok(Some(range)) = ranges.next() {
            if found.len() < MAX_CHILDREN && useful(range.begin..range.end) {
                found.push(range.begin..range.end);
            }
        }
    }
    found
}

/// A range that can hold code: not empty, and not at 0 or past the 32-bit tombstone
/// (where linkers put the addresses of functions they dropped).
fn useful(range: Range<u64>) -> bool {
    range.start > 0 && range.start < range.end && range.start < 0xffff_fff0
}

/// Every subprogram of `unit` with code, and its ranges.
fn subprograms(
    dwarf: &gimli::Dwarf<Reader>,
    unit: &gimli::Unit<Reader>,
) -> Vec<(Range<u64>, UnitOffset<usize>)> {
    let mut found = Vec::new();
    let mut entries = unit.entries();
    while let Ok(Some(entry)) = entries.next_dfs() {
        if entry.tag() != gimli::DW_TAG_subprogram {
            continue;
        }
        for range in die_ranges(dwarf, unit, entry) {
            found.push((range, entry.offset()));
        }
    }
    found
}
