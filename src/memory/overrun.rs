//! Writes that ran past an allocation: the bytes a step changed just outside the block
//! the allocator handed out.
//!
//! The rule: a changed range *belongs* to an allocation when it overlaps the
//! allocation or touches it (starts exactly at its end or ends exactly at its start:
//! a write that starts inside and runs on is often reported as two ranges, or starts
//! at the end when the first bytes happened to be unchanged). The part of such a range
//! outside the allocation is an overrun (past the end) or an underrun (before the
//! start). Changed ranges that neither touch nor overlap the allocation — the
//! allocator's own bookkeeping elsewhere, other objects — are not overruns.
//!
//! It is a heuristic over one step's changes: bookkeeping the allocator writes right
//! next to a block in the same step would be reported, and a write that skips over
//! the gap after the block is not. Pass the changed ranges of the step that used the
//! block (the call), not of the `alloc` step.

use std::ops::Range;

use super::merge_ranges;

/// The bytes of `changed` outside `allocation` that belong to writes touching or
/// overlapping it (sorted, merged). `alloc(21)` at `p` then a write of
/// `p+16..p+41` gives `[p+21..p+41]`.
pub fn overruns(allocation: Range<u64>, changed: &[Range<u64>]) -> Vec<Range<u64>> {
    let mut outside = Vec::new();
    for range in changed {
        if range.start >= range.end {
            continue;
        }
        let touches = range.start <= allocation.end && range.end >= allocation.start;
        if !touches {
            continue;
        }
        if range.start < allocation.start {
            outside.push(range.start..range.end.min(allocation.start));
        }
        if range.end > allocation.end {
            outside.push(range.start.max(allocation.end)..range.end);
        }
    }
    outside.sort_by_key(|r| r.start);
    merge_ranges(outside)
}

/// The overruns of `allocation` (made by the step labelled `alloc_label`) in what the
/// step labelled `step` changed, with the sentence the log and `wasmscope run` print.
pub fn overrun_report(
    step: &str,
    allocation: &Range<u64>,
    alloc_label: &str,
    changed: &[Range<u64>],
) -> Option<(Vec<Range<u64>>, String)> {
    let found = overruns(allocation.clone(), changed);
    if found.is_empty() {
        return None;
    }
    let bytes = super::ranges_len_bytes(&found);
    let line = format!(
        "overrun: {step} wrote {} outside the allocation {alloc_label} ({:#x}..{:#x}): {}",
        super::plural_bytes(bytes),
        allocation.start,
        allocation.end,
        super::format_ranges(&found)
    );
    Some((found, line))
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: u64 = 0x10_0280;

    #[test]
    fn report_names_the_step_and_the_allocation() {
        let (found, line) = overrun_report(
            "append(0x10, 16)",
            &(0x10..0x25),
            "alloc(21)",
            &[0x20..0x39],
        )
        .unwrap();
        assert_eq!(found, vec![0x25..0x39]);
        assert_eq!(
            line,
            "overrun: append(0x10, 16) wrote 20 bytes outside the allocation alloc(21) \
             (0x10..0x25): 0x25..0x39 (20 bytes)"
        );
        assert!(overrun_report("f", &(0..4), "a", &[0..4]).is_none());
    }

    #[test]
    fn append_past_its_allocation() {
        // The seed's `append` with 5 spare bytes: alloc(16 + 5), write 16 + 25 bytes.
        assert_eq!(overruns(P..P + 21, &[P + 16..P + 41]), vec![P + 21..P + 41]);
        // The same write reported as two ranges (unchanged bytes between).
        assert_eq!(
            overruns(P..P + 21, &[P + 16..P + 19, P + 21..P + 41]),
            vec![P + 21..P + 41]
        );
    }

    #[test]
    fn writes_inside_or_elsewhere_are_not_overruns() {
        assert!(overruns(P..P + 46, &[P + 16..P + 41]).is_empty());
        assert!(overruns(P..P + 46, &[P..P + 46]).is_empty());
        // Allocator bookkeeping a few bytes away, and other objects.
        assert!(overruns(P..P + 21, &[P - 8..P - 4, P + 24..P + 32, 0x100..0x200]).is_empty());
        assert!(overruns(P..P + 21, &[]).is_empty());
        assert!(overruns(P..P + 21, &[P + 30..P + 30]).is_empty());
    }

    #[test]
    fn underruns_and_both_sides() {
        assert_eq!(overruns(P..P + 16, &[P - 4..P + 2]), vec![P - 4..P]);
        assert_eq!(overruns(P..P + 16, &[P - 4..P]), vec![P - 4..P]);
        assert_eq!(
            overruns(P..P + 16, &[P - 4..P + 20]),
            vec![P - 4..P, P + 16..P + 20]
        );
        assert_eq!(overruns(P..P + 16, &[P + 16..P + 17]), vec![P + 16..P + 17]);
        // A zero-sized allocation: every touching byte is outside it.
        assert_eq!(overruns(P..P, &[P..P + 4]), vec![P..P + 4]);
        // Unsorted input still gives sorted, merged output.
        assert_eq!(
            overruns(P..P + 8, &[P + 6..P + 12, P - 2..P + 1, P + 8..P + 9]),
            vec![P - 2..P, P + 8..P + 12]
        );
    }
}
