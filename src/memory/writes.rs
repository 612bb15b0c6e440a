//! Who wrote which byte: the writes a traced call made, one per instruction, and a map
//! from every byte to its latest writer.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use super::{format_hex, format_range};

/// A store's value: up to 16 bytes (a `v128`), held inline so that listing a million
/// writes allocates nothing per write.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Stored {
    len: u8,
    bytes: [u8; 16],
}

impl Stored {
    /// The first 16 bytes of `bytes` (a store writes at most 16).
    pub fn new(bytes: &[u8]) -> Self {
        let len = bytes.len().min(16);
        let mut inline = [0; 16];
        inline[..len].copy_from_slice(&bytes[..len]);
        Self {
            len: len as u8,
            bytes: inline,
        }
    }

    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl std::fmt::Debug for Stored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_slice().fmt(f)
    }
}

/// What a write put there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Written {
    /// These bytes (a store's value, little-endian, its width).
    Bytes(Stored),
    /// One byte, repeated over the range (`memory.fill`).
    Fill(u8),
    /// Bytes copied from elsewhere in memory (`memory.copy`).
    Copy {
        /// Where from.
        from: Range<u64>,
    },
    /// Bytes from a passive data segment (`memory.init`).
    Segment {
        /// The segment.
        index: u32,
        /// Where in it.
        offset: u64,
    },
    /// New pages (`memory.grow`).
    Grown {
        /// How many.
        pages: u64,
    },
}

impl Written {
    /// A store of `bytes`.
    pub fn bytes(bytes: &[u8]) -> Self {
        Self::Bytes(Stored::new(bytes))
    }
}

/// One write to linear memory, by one instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TracedWrite {
    /// The bytes written (for a grow, the new pages).
    pub range: Range<u64>,
    /// Where the instruction is: `append+0x004c`.
    pub place: Arc<str>,
    /// The instruction's byte offset in the module (what DWARF line info and the code
    /// view are keyed on).
    pub pc: u64,
    /// The instruction: `i32.store8`.
    pub op: &'static str,
    /// The memory it wrote (its index in the module).
    pub memory: u32,
    /// What it wrote.
    pub written: Written,
    /// Whether the instruction trapped instead (then nothing was written).
    pub trapped: bool,
}

impl TracedWrite {
    /// `append+0x004c i32.store8 [0x110018..0x110019] <- 3c`, as `--trace-writes`
    /// prints it (`… i32.store8 memory 1 [0x10..0x11] …` on a memory but the first).
    pub fn line(&self) -> String {
        let what = match &self.written {
            Written::Bytes(bytes) => format_hex(bytes.as_slice()),
            Written::Fill(byte) => format!("{byte:02x} x {}", self.range.end - self.range.start),
            Written::Copy { from } => format_range(from),
            Written::Segment { index, offset } => format!("data segment {index} +{offset:#x}"),
            Written::Grown { pages } => crate::text::count(*pages, "new page"),
        };
        let trapped = if self.trapped {
            " (trapped: nothing written)"
        } else {
            ""
        };
        let memory = match self.memory {
            0 => String::new(),
            index => format!(" memory {index}"),
        };
        format!(
            "{} {}{memory} {} <- {what}{trapped}",
            self.place,
            self.op,
            format_range(&self.range)
        )
    }
}

/// Who last wrote a byte: an instruction, or the host, in a step of the session.
/// Shared text: a million writes of one instruction hold one copy of its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Writer {
    /// `append+0x004c (i32.store8)`, or `the host (write 16 bytes at 0x110008)`.
    pub what: Arc<str>,
    /// What the writer belongs to, for colouring memory by writer: the function
    /// (`append`), or `the host`.
    pub group: Arc<str>,
    /// The session step (1-based, as the timeline numbers them).
    pub step: usize,
}

impl Writer {
    /// Whether `self` and `other` are the same writer in the same step.
    fn same(&self, other: &Self) -> bool {
        self.step == other.step && (Arc::ptr_eq(&self.what, &other.what) || self.what == other.what)
    }
}

/// How much of memory one writer last wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriterTotal {
    /// The writer (`append+0x0011 (i32.store8)`).
    pub what: Arc<str>,
    /// What it belongs to (`append`, `the host`).
    pub group: Arc<str>,
    /// Bytes it wrote last.
    pub bytes: u64,
    /// In how many ranges.
    pub ranges: usize,
    /// The lowest of them.
    pub first: u64,
}

/// Every byte's latest writer, as disjoint ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WriteMap {
    /// By start: (end, writer).
    ranges: BTreeMap<u64, (u64, Writer)>,
}

impl WriteMap {
    /// Records that `writer` wrote `range`, replacing older writers of those bytes; a
    /// range next to one of the same writer (in the same step) joins it.
    pub fn record(&mut self, mut range: Range<u64>, writer: Writer) {
        if range.is_empty() {
            return;
        }
        // Cut the ranges that overlap, keeping their parts outside `range`.
        let overlapping: Vec<u64> = self
            .ranges
            .range(..range.end)
            .rev()
            .take_while(|(_, (end, _))| *end > range.start)
            .map(|(&start, _)| start)
            .collect();
        for start in overlapping {
            if let Some((end, old)) = self.ranges.remove(&start) {
                if start < range.start {
                    self.ranges.insert(start, (range.start, old.clone()));
                }
                if end > range.end {
                    self.ranges.insert(range.end, (end, old));
                }
            }
        }
        if let Some((&start, (end, before))) = self.ranges.range(..range.start).next_back()
            && *end == range.start
            && before.same(&writer)
        {
            self.ranges.remove(&start);
            range.start = start;
        }
        if let Some((end, after)) = self.ranges.get(&range.end)
            && after.same(&writer)
        {
            let end = *end;
            self.ranges.remove(&range.end);
            range.end = end;
        }
        self.ranges.insert(range.start, (range.end, writer));
    }

    /// Who last wrote the byte at `offset`.
    pub fn writer_at(&self, offset: u64) -> Option<&Writer> {
        let (_, (end, writer)) = self.ranges.range(..=offset).next_back()?;
        (offset < *end).then_some(writer)
    }

    /// Each writer's share of memory, most bytes first: who wrote what, as the
    /// memory map lists it.
    pub fn summary(&self) -> Vec<WriterTotal> {
        let mut totals: BTreeMap<&str, WriterTotal> = BTreeMap::new();
        for (&start, (end, writer)) in &self.ranges {
            let total = totals.entry(&writer.what).or_insert_with(|| WriterTotal {
                what: writer.what.clone(),
                group: writer.group.clone(),
                bytes: 0,
                ranges: 0,
                first: start,
            });
            total.bytes += end - start;
            total.ranges += 1;
            total.first = total.first.min(start);
        }
        let mut totals: Vec<WriterTotal> = totals.into_values().collect();
        totals.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.first.cmp(&b.first)));
        totals
    }

    /// Number of disjoint ranges.
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writer(what: &str, step: usize) -> Writer {
        Writer {
            what: what.into(),
            group: what.split('+').next().unwrap().into(),
            step,
        }
    }

    #[test]
    fn the_latest_writer_of_each_byte_wins() {
        let mut map = WriteMap::default();
        map.record(0x100..0x110, writer("host", 2));
        map.record(0x108..0x118, writer("append+0x0040", 3));
        map.record(0x10c..0x10d, writer("append+0x004c", 3));
        let what = |at| map.writer_at(at).unwrap().what.to_string();
        assert_eq!(what(0x100), "host");
        assert_eq!(what(0x107), "host");
        assert_eq!(what(0x108), "append+0x0040");
        assert_eq!(what(0x10c), "append+0x004c");
        assert_eq!(what(0x10d), "append+0x0040");
        assert_eq!(map.writer_at(0x117).unwrap().step, 3);
        assert!(map.writer_at(0x118).is_none());
        assert!(map.writer_at(0xff).is_none());
        assert_eq!(map.len(), 4);
        let summary = map.summary();
        assert_eq!(&*summary[0].what, "append+0x0040");
        assert_eq!((summary[0].bytes, summary[0].ranges), (15, 2));
        assert_eq!((&*summary[1].what, summary[1].bytes), ("host", 8));
        // A write over everything leaves one range.
        map.record(0..0x1000, writer("memory.fill", 4));
        assert_eq!(map.len(), 1);
        map.record(5..5, writer("empty", 5));
        assert_eq!(map.writer_at(5).unwrap().step, 4);
        // The same writer's bytes next to its own, or inside them, join them; another
        // step's do not.
        map.record(0x1000..0x1001, writer("memory.fill", 4));
        map.record(0x10..0x11, writer("memory.fill", 4));
        assert_eq!(map.len(), 1);
        map.record(0x1001..0x1002, writer("memory.fill", 5));
        assert_eq!(map.len(), 2);
        let byte_by_byte: WriteMap = (0..1000u64).fold(WriteMap::default(), |mut map, at| {
            map.record(at..at + 1, writer("fill+0x0015", 1));
            map
        });
        assert_eq!(byte_by_byte.len(), 1);
    }

    #[test]
    fn lines_read_like_the_issue_asked() {
        let write = TracedWrite {
            range: 0x11_0018..0x11_0019,
            place: "append+0x004c".into(),
            pc: 0x1234,
            op: "i32.store8",
            memory: 0,
            written: Written::bytes(&[0x3c]),
            trapped: false,
        };
        assert_eq!(
            write.line(),
            "append+0x004c i32.store8 [0x110018..0x110019] <- 3c"
        );
        let fill = TracedWrite {
            range: 0x100..0x104,
            op: "memory.fill",
            written: Written::Fill(0),
            trapped: true,
            ..write
        };
        assert_eq!(
            fill.line(),
            "append+0x004c memory.fill [0x100..0x104] <- 00 x 4 (trapped: nothing written)"
        );
        let second = TracedWrite {
            memory: 1,
            ..fill.clone()
        };
        assert_eq!(
            second.line(),
            "append+0x004c memory.fill memory 1 [0x100..0x104] <- 00 x 4 (trapped: nothing written)"
        );
    }
}
