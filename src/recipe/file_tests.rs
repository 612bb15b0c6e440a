//! Session files: what `print` writes reads back the same, and every kind of bad file
//! gets a one-line error naming its line and field.

use super::*;

/// The README's example, as a user writes it.
const EXAMPLE: &str = r#"# The newsletter's walkthrough.
version = 1
input = "The input string"

[module]
path = "append.wasm"
sha256 = "7e1d"

[limits]
timeout_ms = 5000
memory_limit_mb = 4096

[[step]]
op = "alloc"
export = "alloc"
size = "len(input) + 30"
note = """
Ask the guest for room: the input plus the 25-byte suffix append adds."""

[[step]]
op = "write"
at = "ptr"
data = "input"

[[step]]
op = "call"
export = "append"
args = ["ptr", "len(input)"]
returns = "len"

[[step]]
op = "read"
at = "ptr"
len = "result"
"#;

fn error(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

/// `EXAMPLE` with its `[[step]]` tables replaced by `steps`.
fn with_steps(steps: &str) -> String {
    let head = EXAMPLE.split("[[step]]").next().unwrap();
    format!("{head}{steps}")
}

#[test]
fn the_example_reads_as_the_seed_flow() {
    let recipe = parse(EXAMPLE).unwrap();
    assert_eq!(recipe.input, Some(Input::Text("The input string".into())));
    assert_eq!(recipe.module.path, std::path::PathBuf::from("append.wasm"));
    let choice = SeedChoice {
        allocator: "alloc".into(),
        size: Expr::new("len(input) + 30"),
        call: Some("append".into()),
        returns: Returns::Len,
        len_from: String::new(),
    };
    let ops: Vec<&Op> = recipe.steps.iter().map(|s| &s.op).collect();
    let seed = seed_steps(&choice);
    assert_eq!(ops, seed.iter().map(|s| &s.op).collect::<Vec<_>>());
    assert!(
        recipe.steps[0]
            .note
            .as_deref()
            .unwrap()
            .starts_with("Ask the guest")
    );
}

#[test]
fn print_then_parse_gives_the_same_session() {
    let mut recipe = parse(EXAMPLE).unwrap();
    recipe.lesson = Some(Lesson {
        title: "The walkthrough".into(),
        intro: Some("Two\nparagraphs".into()),
    });
    recipe.host = HostSettings {
        default_stub: StubPolicy::Trap,
        stubs: [("env.abort".to_owned(), StubPolicy::Zeros)].into(),
        wasi_args: vec!["--loud".into()],
        wasi_env: vec![("GREETING".into(), "Hi=there".into())],
        wasi_dirs: vec!["data".into()],
    };
    recipe.steps.extend([
        Step::new(Op::Input(Input::Bytes(vec![0xde, 0xad]))),
        Step {
            op: Op::Write {
                at: Expr::literal(0x11_0008),
                data: Data::Literal(Input::Bytes(vec![1, 2, 3])),
            },
            note: Some("an edit\nover two lines".into()),
            show: Some(Show {
                at: Expr::new("0x110008"),
                len: Some(Expr::new("len(input)")),
            }),
        },
        Step::new(Op::Call {
            export: "f".into(),
            args: vec![Expr::new("1.5"), Expr::new("-1"), Expr::new("7")],
            name: "x".into(),
            returns: Returns::Value,
        }),
        Step::new(Op::Read {
            at: Expr::new("x"),
            len: Expr::new("len(input)"),
            name: "bytes".into(),
        }),
    ]);
    let text = print(&recipe).unwrap();
    assert_eq!(parse(&text).unwrap(), recipe, "{text}");
    // Plain numbers print as numbers, hex and expressions as strings.
    assert!(text.contains("at = \"0x110008\""), "{text}");
    assert!(text.contains("    \"1.5\",\n    -1,\n    7,\n"), "{text}");
}

#[test]
fn a_session_with_no_steps_or_input_round_trips() {
    let recipe = Recipe {
        module: ModuleRef {
            path: "m.wasm".into(),
            sha256: None,
        },
        ..Recipe::default()
    };
    assert_eq!(parse(&print(&recipe).unwrap()).unwrap(), recipe);
}

#[test]
fn syntax_errors_name_the_line() {
    let text = EXAMPLE.replace("at = \"ptr\"\ndata", "at = \"ptr\ndata");
    let err = error(&text);
    assert!(err.starts_with("line 22: "), "{err}");
    assert!(!err.contains('\n'), "{err}");
}

#[test]
fn unknown_ops_and_fields_name_the_step_and_the_field() {
    let err = error(&with_steps("[[step]]\nop = \"jump\"\n"));
    assert_eq!(
        err,
        "line 13: step 1: unknown op `jump` (expected input, alloc, write, call, read or invoke)"
    );
    let err = error(&with_steps(
        "[[step]]\nop = \"read\"\nat = 0\nlen = 4\nsize = 3\n",
    ));
    assert_eq!(
        err,
        "line 13: step 1: `size` does not belong in a `read` step"
    );
    let err = error(&with_steps("[[step]]\nop = \"read\"\nat = 0\nlenn = 4\n"));
    assert!(err.starts_with("line 16: unknown field `lenn`"), "{err}");
    let err = error(&with_steps(
        "[[step]]\nop = \"alloc\"\nexport = \"alloc\"\n",
    ));
    assert_eq!(err, "line 13: step 1: `alloc` needs `size`");
    let err = error(&with_steps(
        "[[step]]\nop = \"call\"\nexport = \"f\"\nreturns = \"bytes\"\n",
    ));
    assert!(err.contains("`returns` is `bytes`"), "{err}");
    let err = error(&with_steps("[[step]]\nop = \"write\"\nat = 0\n"));
    assert!(
        err.contains("`write` needs `data`, `text` or `hex`"),
        "{err}"
    );
    let err = error(&with_steps(
        "[[step]]\nop = \"write\"\nat = 0\nhex = \"zz\"\n",
    ));
    assert!(err.starts_with("line 13: step 1: `hex`"), "{err}");
}

#[test]
fn names_used_before_they_are_defined_are_refused() {
    let err = error(&with_steps(
        "[[step]]\nop = \"write\"\nat = 0\ndata = \"input\"\n\n\
         [[step]]\nop = \"read\"\nat = \"ptr\"\nlen = 4\n",
    ));
    assert_eq!(
        err,
        "line 18: step 2 (read), `at`: `ptr` is used before any step defines it"
    );
    let no_input = EXAMPLE.replace("input = \"The input string\"\n", "");
    let err = error(&no_input);
    assert!(err.contains("`len(input)` is used before"), "{err}");
}

#[test]
fn header_errors() {
    let err = error(&EXAMPLE.replace("version = 1", "version = 2"));
    assert_eq!(
        err,
        "line 2: `version` is 2, but this wasmscope reads session files of version 1"
    );
    let err = error("version = 1\n");
    assert!(err.contains("missing field `module`"), "{err}");
    let err = error(&EXAMPLE.replace("input = ", "input_hex = \"00\"\ninput = "));
    assert!(err.contains("not both"), "{err}");
    let err = error(&EXAMPLE.replace("[limits]", "[host]\nwasi_env = [\"NOEQUALS\"]\n\n[limits]"));
    assert_eq!(err, "line 9: `wasi_env`: `NOEQUALS` is not KEY=VALUE");
    let err = error(&EXAMPLE.replace("[limits]", "[host]\ndefault_stub = \"maybe\"\n\n[limits]"));
    assert!(err.starts_with("line 10: unknown variant `maybe`"), "{err}");
}

#[test]
fn grants_are_what_a_shared_file_must_not_get_silently() {
    let host = HostSettings {
        wasi_dirs: vec!["/home".into()],
        wasi_env: vec![("TOKEN".into(), "x".into())],
        wasi_args: vec!["-v".into()],
        ..HostSettings::default()
    };
    assert_eq!(
        host.grants(),
        vec![
            "read and write the folder /home",
            "see the environment variable TOKEN=x"
        ]
    );
    let safe = host.without_grants();
    assert!(safe.grants().is_empty());
    assert_eq!(safe.wasi_args, vec!["-v"]);
}

#[test]
fn a_value_with_a_line_break_stays_on_one_line() {
    // Found by the session_file fuzz target.
    let err = error(&with_steps(
        "[[step]]\nop = \"call\"\nexport = \"f\"\nreturns = \"l\\n\"\n",
    ));
    assert_eq!(
        err,
        "line 13: step 1: `returns` is `l\\n`; expected len, ptr or value"
    );
}

#[test]
fn where_a_note_points_is_checked_like_any_expression() {
    let with =
        |fields: &str| EXAMPLE.replacen("op = \"write\"", &format!("op = \"write\"\n{fields}"), 1);
    assert!(parse(&with("show = \"ptr\"\nshow_len = \"len(input)\"")).is_ok());
    assert!(error(&with("show_len = 4")).contains("`show_len` needs `show`"));
    let err = error(&with("show = \"output\""));
    assert!(
        err.contains("`show`: `output` is used before any step defines it"),
        "{err}"
    );
}

#[test]
fn a_components_invoke_step_round_trips_and_wants_texts() {
    let text = "version = 1\n[module]\npath = \"c.wasm\"\n\n[[step]]\nop = \"invoke\"\n\
                export = \"label\"\nargs = ['{name: \"x\", count: 3}']\n";
    let recipe = parse(text).unwrap();
    assert_eq!(
        recipe.steps[0].op,
        Op::Invoke {
            export: "label".into(),
            args: vec!["{name: \"x\", count: 3}".into()],
        }
    );
    assert_eq!(parse(&print(&recipe).unwrap()).unwrap(), recipe);
    let err = error(&text.replace("args = ['{name: \"x\", count: 3}']", "args = [3]"));
    assert!(err.contains("`invoke`'s `args` are WAVE texts"), "{err}");
}
