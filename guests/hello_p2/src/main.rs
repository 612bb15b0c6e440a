//! A WASI command: prints a greeting and its arguments.

fn main() {
    println!("Hello from a WASI preview 2 command component!");
    let args: Vec<String> = std::env::args().collect();
    eprintln!("args: {args:?}");
}
