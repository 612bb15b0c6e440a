//! The seed's `alloc` and `append`, and `summarize`, which holds a `String`, a `Vec`
//! of structs and an enum: built in the debug profile, so the module carries full
//! DWARF (lines, variables, types) for wasmscope's source view.

/// The suffix that `append` adds (25 bytes).
const SUFFIX: &[u8] = b"<---- This is your string";

/// A point made from a byte of the input: its index and its value.
#[derive(Clone, Copy)]
pub struct Point {
    /// The byte's index.
    pub x: i16,
    /// The byte's value.
    pub y: i16,
}

/// What the points make.
pub enum Shape {
    /// No points.
    Empty,
    /// One point.
    Dot(Point),
    /// From the first point to the last.
    Line {
        /// The first point.
        from: Point,
        /// The last point.
        to: Point,
    },
}

/// Reserves `size` bytes and returns their guest pointer (never freed, as in the seed).
#[unsafe(no_mangle)]
pub extern "C" fn alloc(size: usize) -> *mut u8 {
    let mut buf = Vec::<u8>::with_capacity(size);
    let ptr = buf.as_mut_ptr();
    std::mem::forget(buf);
    ptr
}

/// Writes the suffix right after the `len` bytes at `ptr` and returns the new length.
///
/// # Safety
/// `ptr` must point at `len + 25` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn append(ptr: *mut u8, len: usize) -> usize {
    // SAFETY: the caller promised room for the suffix.
    let out = unsafe { std::slice::from_raw_parts_mut(ptr.add(len), SUFFIX.len()) };
    out.copy_from_slice(SUFFIX);
    len + SUFFIX.len()
}

/// Reads the `len` bytes at `ptr` as text, makes a point of each byte and a shape of
/// the points, and writes a one-line summary over the input; returns its length
/// (at most `len`).
///
/// # Safety
/// `ptr` must point at `len` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn summarize(ptr: *mut u8, len: usize) -> usize {
    // SAFETY: the caller promised `len` bytes at `ptr`.
    let bytes = unsafe { std::slice::from_raw_parts_mut(ptr, len) };
    let text = String::from_utf8(bytes.to_vec()).unwrap_or_default();
    let points: Vec<Point> = text
        .bytes()
        .enumerate()
        .map(|(i, b)| Point {
            x: i as i16,
            y: i16::from(b),
        })
        .collect();
    let shape = match points.as_slice() {
        [] => Shape::Empty,
        [one] => Shape::Dot(*one),
        [first, .., last] => Shape::Line {
            from: *first,
            to: *last,
        },
    };
    let summary = describe(&shape, points.len());
    let written = summary.len().min(len);
    bytes[..written].copy_from_slice(&summary.as_bytes()[..written]);
    written
}

/// `line 0,84 -> 15,103 (16 points)` (written by hand: `format!` would bring the
/// formatting machinery's DWARF with it).
fn describe(shape: &Shape, count: usize) -> String {
    let mut out = String::new();
    match shape {
        Shape::Empty => out.push_str("empty"),
        Shape::Dot(p) => {
            out.push_str("dot ");
            push_point(&mut out, p);
        }
        Shape::Line { from, to } => {
            out.push_str("line ");
            push_point(&mut out, from);
            out.push_str(" -> ");
            push_point(&mut out, to);
            out.push_str(" (");
            push_number(&mut out, count as i64);
            out.push_str(" points)");
        }
    }
    out
}

/// `x,y`.
fn push_point(out: &mut String, p: &Point) {
    push_number(out, i64::from(p.x));
    out.push(',');
    push_number(out, i64::from(p.y));
}

/// `n` in decimal.
fn push_number(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    let mut digits = Vec::new();
    let mut rest = n.unsigned_abs();
    loop {
        digits.push(b'0' + (rest % 10) as u8);
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    digits.reverse();
    for d in digits {
        out.push(char::from(d));
    }
}
