//! Unit tests for the errors `inspect` gives on input that is not a valid core module.

use super::tests::{ALL_KINDS, error_of};

#[test]
fn empty_input_says_empty() {
    let err = error_of(&[]);
    assert!(err.contains("empty"), "{err}");
    assert!(!err.contains('\n'));
}

#[test]
fn random_bytes_say_bad_magic() {
    let err = error_of(b"\x7fELF\x02\x01\x01\x00garbage");
    assert!(
        err.contains("not a WebAssembly module (bad magic)"),
        "{err}"
    );
    assert!(err.contains("7f 45 4c 46"), "{err}");
    assert!(error_of(b"\0a").contains("only 2 bytes"));
    assert!(!err.contains('\n'));
}

#[test]
fn truncated_module_names_offset() {
    let bytes = wat::parse_str(ALL_KINDS).expect("parses");
    for cut in [9, bytes.len() / 2, bytes.len() - 1] {
        let err = error_of(&bytes[..cut]);
        assert!(
            err.starts_with("invalid module at byte offset 0x"),
            "cut {cut}: {err}"
        );
        assert!(!err.contains('\n'));
    }
    let header_only = error_of(&bytes[..6]);
    assert!(header_only.contains("offset 0x"), "{header_only}");
}

#[test]
fn invalid_function_body_is_a_validation_error() {
    // Hand-assembled: a function of type () -> i32 whose body is just `end`.
    let bytes = [
        0, 97, 115, 109, 1, 0, 0, 0, // header
        1, 5, 1, 0x60, 0, 1, 0x7f, // type section: () -> i32
        3, 2, 1, 0, // function section
        10, 4, 1, 2, 0, 0x0b, // code section: one empty body
    ];
    let err = error_of(&bytes);
    assert!(err.starts_with("invalid module at byte offset 0x"), "{err}");
    assert!(err.contains("type mismatch"), "{err}");
}

#[test]
fn components_are_rejected_in_one_line() {
    let err = error_of(&[0, 97, 115, 109, 0x0d, 0, 1, 0]);
    assert!(
        err.contains("the window and sessions do not run components yet"),
        "{err}"
    );
    assert!(!err.contains('\n'));
}
