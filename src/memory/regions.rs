//! Labelled byte ranges of linear memory that the views highlight.

use std::ops::Range;

/// What a highlighted range is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegionKind {
    /// Bytes the allocator handed out.
    Allocation,
    /// Bytes the host wrote (the input).
    Input,
    /// Bytes the host read back (the output).
    Output,
}

impl RegionKind {
    /// Every kind, in legend order.
    pub const ALL: [RegionKind; 3] = [Self::Allocation, Self::Input, Self::Output];

    /// The legend's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Allocation => "allocation",
            Self::Input => "input",
            Self::Output => "output",
        }
    }
}

/// A highlighted range with its label (e.g. the step that made it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    /// Guest offsets covered.
    pub range: Range<u64>,
    /// What it is.
    pub kind: RegionKind,
    /// Shown on hover: `alloc(46)`.
    pub label: String,
}

impl Region {
    /// Whether `offset` lies in the region.
    pub fn contains(&self, offset: u64) -> bool {
        self.range.contains(&offset)
    }
}

/// Replaces the region of `region.kind` (one of each kind is shown at a time).
pub fn set_region(regions: &mut Vec<Region>, region: Region) {
    regions.retain(|r| r.kind != region.kind);
    regions.push(region);
}

/// The innermost region at `offset`: output over input over allocation.
pub fn region_at(regions: &[Region], offset: u64) -> Option<&Region> {
    [
        RegionKind::Output,
        RegionKind::Input,
        RegionKind::Allocation,
    ]
    .into_iter()
    .find_map(|kind| {
        regions
            .iter()
            .find(|r| r.kind == kind && r.contains(offset))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn innermost_region_wins() {
        let mut regions = Vec::new();
        let region = |range: Range<u64>, kind| Region {
            range,
            kind,
            label: String::new(),
        };
        set_region(&mut regions, region(0..46, RegionKind::Allocation));
        set_region(&mut regions, region(0..16, RegionKind::Input));
        set_region(&mut regions, region(0..41, RegionKind::Output));
        assert_eq!(region_at(&regions, 5).unwrap().kind, RegionKind::Output);
        assert_eq!(
            region_at(&regions, 43).unwrap().kind,
            RegionKind::Allocation
        );
        assert!(region_at(&regions, 46).is_none());
        set_region(&mut regions, region(100..110, RegionKind::Input));
        assert_eq!(regions.len(), 3);
        assert_eq!(region_at(&regions, 5).unwrap().kind, RegionKind::Output);
        assert_eq!(region_at(&regions, 105).unwrap().kind, RegionKind::Input);
    }
}
