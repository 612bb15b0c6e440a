//! The session-file parser: any text gives a checked session or a one-line error;
//! a session that parses prints back to text that parses to the same session.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasmscope::recipe::{parse, print};

fuzz_target!(|text: &str| {
    match parse(text) {
        Ok(recipe) => {
            let printed = print(&recipe).expect("a parsed session prints");
            let again = parse(&printed).expect("a printed session parses");
            assert_eq!(again, recipe);
        }
        Err(err) => assert!(!err.to_string().contains('\n'), "{err}"),
    }
});
