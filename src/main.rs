//! The `kinmu` binary: the command line lives in the library
//! ([`kinmu::cli`], formats.md "Command line").

// mimalloc rather than the system allocator: see its entry in Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    kinmu::cli::main()
}
