//! A WASI command: prints a greeting, its arguments and environment, and lists each
//! folder named by an absolute path among its arguments (a folder the host granted).

fn main() {
    println!("Hello from a WASI preview 2 command component!");
    let args: Vec<String> = std::env::args().collect();
    eprintln!("args: {args:?}");
    let env: Vec<(String, String)> = std::env::vars().collect();
    if !env.is_empty() {
        println!("env: {env:?}");
    }
    for folder in args.iter().skip(1).filter(|a| a.starts_with('/')) {
        match std::fs::read_dir(folder) {
            Ok(entries) => {
                let mut names: Vec<String> = entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect();
                names.sort();
                println!("{folder}: {}", names.join(", "));
            }
            Err(err) => println!("{folder}: {err}"),
        }
    }
}
