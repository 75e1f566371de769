//! The `kinmu` binary: the command line lives in the library
//! ([`kinmu::cli`], formats.md "Command line").

fn main() -> std::process::ExitCode {
    kinmu::cli::main()
}
