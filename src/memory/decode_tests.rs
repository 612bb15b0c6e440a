//! Unit tests of `decode.rs`: the data inspector's numbers, LEB128 and strings.

use super::*;
use crate::memory::CHUNK_BYTES;

fn snap(bytes: &[(usize, &[u8])], len: usize) -> Snapshot {
    let mut data = vec![0u8; len];
    for (at, b) in bytes {
        data[*at..*at + b.len()].copy_from_slice(b);
    }
    Snapshot::capture(None, &data, 0)
}

#[test]
fn floats_stay_short() {
    assert_eq!(float(Some(1.5)), "1.5");
    assert_eq!(float(Some(3.59e-43)), "3.59e-43");
    assert_eq!(float(Some(0.0)), "0");
    assert_eq!(float(Some(f64::NAN)), "NaN");
    assert_eq!(float(None), MISSING);
}

#[test]
fn decodes_numbers_in_both_orders() {
    let s = snap(
        &[(10, &[0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x88])],
        64,
    );
    let le = decode(&s, 10, Endian::Little);
    assert_eq!(le.u8, Some(1));
    assert_eq!(le.u16, Some(0x0201));
    assert_eq!(le.u32, Some(0x0403_0201));
    assert_eq!(le.u64, Some(0x8807_0605_0403_0201));
    assert_eq!(le.i64, Some(0x8807_0605_0403_0201u64 as i64));
    let be = decode(&s, 10, Endian::Big);
    assert_eq!(be.u16, Some(0x0102));
    assert_eq!(be.u32, Some(0x0102_0304));
    assert_eq!(be.endian, Endian::Big);
    let f = snap(
        &[(0, &1.5f32.to_le_bytes()), (8, &(-2.25f64).to_be_bytes())],
        32,
    );
    assert_eq!(decode(&f, 0, Endian::Little).f32, Some(1.5));
    assert_eq!(decode(&f, 8, Endian::Big).f64, Some(-2.25));
    let rows = decode(&s, 10, Endian::Little).rows();
    assert_eq!(rows[1].label, "u8");
    assert_eq!(rows[1].text, "1 (0x1)");
    assert_eq!(rows[0].text, "1");
}

#[test]
fn values_past_the_end_are_missing() {
    let s = snap(&[(62, &[0xff, 0x7f])], 64);
    let d = decode(&s, 62, Endian::Little);
    assert_eq!(d.i8, Some(-1));
    assert_eq!(d.u16, Some(0x7fff));
    assert_eq!(d.u32, None);
    assert_eq!(d.f64, None);
    assert_eq!(d.ptr32, None);
    assert_eq!(
        d.uleb128,
        Some(Ok(Leb {
            value: 0x3fff,
            len_bytes: 2
        }))
    );
    let rows = d.rows();
    assert!(rows.iter().any(|r| r.label == "u32" && r.text == MISSING));
    for offset in [64, 65, u64::MAX] {
        let d = decode(&s, offset, Endian::Big);
        assert_eq!(d.u8, None);
        assert_eq!(d.uleb128, None);
        assert_eq!(d.string, None);
        assert!(d.rows().iter().all(|r| r.text == MISSING));
    }
    let d = decode(&Snapshot::empty(), 0, Endian::Little);
    assert_eq!(d.ptr64, None);
}

#[test]
fn leb128() {
    let u = |b: &[u8]| read_uleb128(b);
    let s = |b: &[u8]| read_sleb128(b);
    assert_eq!(
        u(&[0xe5, 0x8e, 0x26]),
        Ok(Leb {
            value: 624_485,
            len_bytes: 3
        })
    );
    assert_eq!(
        s(&[0xc0, 0xbb, 0x78]),
        Ok(Leb {
            value: -123_456,
            len_bytes: 3
        })
    );
    assert_eq!(
        s(&[0x7f]),
        Ok(Leb {
            value: -1,
            len_bytes: 1
        })
    );
    assert_eq!(
        s(&[0x3f]),
        Ok(Leb {
            value: 63,
            len_bytes: 1
        })
    );
    let max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    assert_eq!(
        u(&max),
        Ok(Leb {
            value: u64::MAX,
            len_bytes: 10
        })
    );
    let min = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f];
    assert_eq!(
        s(&min),
        Ok(Leb {
            value: i64::MIN,
            len_bytes: 10
        })
    );
    let mut over = max;
    over[9] = 0x02;
    assert_eq!(u(&over), Err(LebError::Overflow));
    assert_eq!(s(&over), Err(LebError::Overflow));
    assert_eq!(u(&[0x80; 12]), Err(LebError::TooLong));
    assert_eq!(s(&[0x80; 12]), Err(LebError::TooLong));
    assert_eq!(u(&[0x80, 0x80]), Err(LebError::Truncated { len_bytes: 2 }));
    assert!(LebError::TooLong.to_string().contains("10 bytes"));
    // Round trip through the encoding wasm uses, for many values.
    for v in [
        0i64,
        1,
        -1,
        63,
        64,
        -64,
        -65,
        127,
        128,
        i32::MIN as i64,
        i64::MAX,
        i64::MIN,
    ] {
        let mut bytes = Vec::new();
        let mut x = v;
        loop {
            let byte = (x & 0x7f) as u8;
            x >>= 7;
            let done = (x == 0 && byte & 0x40 == 0) || (x == -1 && byte & 0x40 != 0);
            bytes.push(if done { byte } else { byte | 0x80 });
            if done {
                break;
            }
        }
        assert_eq!(
            s(&bytes),
            Ok(Leb {
                value: v,
                len_bytes: bytes.len()
            }),
            "{v}"
        );
    }
}

#[test]
fn strings() {
    let s = snap(&[(0, b"The input string\0rest")], 64);
    let text = decode(&s, 0, Endian::Little).string.unwrap();
    assert_eq!(text.text, "The input string");
    assert!(text.terminated && !text.truncated && text.valid_utf8);
    assert_eq!(
        text.summary(),
        "\"The input string\" (16 bytes, NUL-terminated)"
    );
    let bad = read_c_string(b"a\xffb\0");
    assert_eq!(bad.text, "a\u{fffd}b");
    assert!(!bad.valid_utf8);
    assert!(bad.summary().contains("invalid UTF-8"));
    let end = read_c_string(b"abc");
    assert!(!end.terminated && !end.truncated);
    assert!(end.summary().contains("end of memory"));
    // 255 ASCII bytes then a 2-byte character cut by the limit.
    let mut long = vec![b'x'; 255];
    long.extend_from_slice("é and more".as_bytes());
    let cut = read_c_string(&long);
    assert!(cut.truncated && cut.valid_utf8);
    assert_eq!(cut.text.len(), 255);
    assert_eq!(cut.len_bytes, 256);
    assert!(cut.summary().contains("truncated"));
    // A string crossing a chunk boundary.
    let big = snap(&[(CHUNK_BYTES - 3, b"hello\0")], 2 * CHUNK_BYTES);
    let d = decode(&big, CHUNK_BYTES as u64 - 3, Endian::Little);
    assert_eq!(d.string.unwrap().text, "hello");
}

#[test]
fn pointers() {
    let s = snap(
        &[
            (0, &40u32.to_le_bytes()),
            (8, &0xffff_fff0u64.to_le_bytes()),
        ],
        64,
    );
    let d = decode(&s, 0, Endian::Big);
    assert_eq!(
        d.ptr32,
        Some(Pointer {
            target: 40,
            inside: true
        })
    );
    let rows = d.rows();
    let ptr = rows.iter().find(|r| r.label == "ptr32").unwrap();
    assert_eq!((ptr.text.as_str(), ptr.follow), ("0x28", Some(40)));
    let far = decode(&s, 8, Endian::Little);
    assert_eq!(
        far.ptr32,
        Some(Pointer {
            target: 0xffff_fff0,
            inside: false
        })
    );
    let rows = far.rows();
    let ptr = rows.iter().find(|r| r.label == "ptr32").unwrap();
    assert_eq!(ptr.text, "0xfffffff0 (outside memory)");
    assert_eq!(ptr.follow, None);
}
