//! The command line of `fieldref-bench`: what `--help` says, and nothing it does not (an unknown
//! option is an error, not a seven-minute run with defaults).

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

pub const USAGE: &str = "\
fieldref-bench: FieldRef against SQLite FTS5 on one generated corpus, measured in one run.

USAGE:
    fieldref-bench [OPTIONS]                 the whole table (release: about 7 minutes here)
    fieldref-bench relevance [--quick] [--verbose] [--keep DIR]
                                             ranking quality on judged queries (BENCHMARKS.md)

OPTIONS:
    --quick            small corpus (600 contacts, 60 documents, 8 queries a class) and
                       pass/fail checks, the library size budget among them; run by
                       tests/suites/bench-quick.sh
    --contacts N       generated partner contacts (default 50000)
    --docs N           generated checklists and notes (default 2000)
    --per-class N      queries per query class (default 40)
    --keep DIR         build the corpus, store, index and FTS5 database in DIR and keep them
    --lib PATH         measure this libfieldref_ffi.so (a stripped copy) instead of building it
    --lib-target TRIPLE
                       build the library for this ELF target (the Android phones:
                       aarch64-linux-android; a proxy without the NDK: aarch64-unknown-linux-gnu)
                       instead of the host; the row names it (with --lib: only names it)
    --strip TOOL       strip the copy with TOOL (default strip; another target's library
                       needs one that reads it: llvm-strip, aarch64-linux-gnu-strip)
    --no-lib           leave the library size out (its budget is then not checked)
    -h, --help         this text

LIBRARY SIZE:
    Without --lib or --no-lib the benchmark runs `cargo build --profile mobile -p fieldref-ffi`
    (the library as the apps ship it: opt-level s, fat LTO, one codegen unit; nothing to do
    when it is up to date, minutes from a clean target directory) for the host, strips a copy
    with `strip` and reports its size. The phones are arm64: the host's x86_64 library is
    larger (bitpacking builds SSE3 and AVX2 code there). With --lib-target the build adds
    `--target TRIPLE`, the library is target/TRIPLE/mobile/libfieldref_ffi.so, and the cross
    linker and C compiler come from the environment as for any cargo cross build, e.g.
        CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \\
        CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc \\
        AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar \\
        fieldref-bench --lib-target aarch64-unknown-linux-gnu --strip llvm-strip
    The budget is 8 MB (8,388,608 bytes: the table's MB are 2^20 bytes); --quick fails over
    it, and fails when the size cannot be measured. Time zones: the build takes
    CHRONO_TZ_TIMEZONE_FILTER from .cargo/config.toml unless set in the environment.

Progress goes to stderr, one line a phase; the table goes to stdout.
";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Library {
    /// Build the mobile profile (for the host, or for [`Options::lib_target`]) and measure it.
    Build,
    Path(PathBuf),
    Skip,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub quick: bool,
    pub contacts: usize,
    pub documents: usize,
    pub per_class: usize,
    pub reps: usize,
    /// Build the corpus, store, index and FTS5 database here and keep them (for profiling).
    pub keep: Option<PathBuf>,
    pub library: Library,
    /// `--lib-target`: the target triple the library is built for (`None`: the host).
    pub lib_target: Option<String>,
    /// `--strip`: the tool that strips the measured copy.
    pub strip: String,
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help,
    Bench(Options),
}

/// Parses the arguments after the program name (not the `relevance`, `cold` subcommands).
pub fn parse(args: &[String]) -> Result<Command> {
    let mut quick = false;
    let (mut contacts, mut documents, mut per_class) = (None, None, None);
    let mut keep = None;
    let mut library = Library::Build;
    let (mut lib_target, mut strip) = (None, None);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .cloned()
                .with_context(|| format!("{name} needs a value (see --help)"))
        };
        let count = |name: &str, text: String| -> Result<usize> {
            match text.parse::<usize>() {
                Ok(n) if n > 0 => Ok(n),
                _ => bail!("{name} expects a positive number, not `{text}`"),
            }
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--quick" => quick = true,
            "--contacts" => contacts = Some(count(arg, value(arg)?)?),
            "--docs" => documents = Some(count(arg, value(arg)?)?),
            "--per-class" => per_class = Some(count(arg, value(arg)?)?),
            "--keep" => keep = Some(PathBuf::from(value(arg)?)),
            "--lib" => library = Library::Path(PathBuf::from(value(arg)?)),
            "--lib-target" => lib_target = Some(value(arg)?),
            "--strip" => strip = Some(value(arg)?),
            "--no-lib" => library = Library::Skip,
            other => bail!("unknown option `{other}` (see --help)"),
        }
    }
    if library == Library::Skip && (lib_target.is_some() || strip.is_some()) {
        bail!("--lib-target and --strip measure the library: not with --no-lib");
    }
    // Quick: 600 contacts, since every delta carries the pack's whole settings (about 5 KB of
    // synonyms after zstd): at 300 a 1 % delta was no longer a fifth of the 28 KB snapshot.
    let (default_contacts, default_documents, default_per_class, reps) = if quick {
        (600, 60, 8, 2)
    } else {
        (50_000, 2_000, 40, 5)
    };
    Ok(Command::Bench(Options {
        quick,
        contacts: contacts.unwrap_or(default_contacts),
        documents: documents.unwrap_or(default_documents),
        per_class: per_class.unwrap_or(default_per_class),
        reps,
        keep,
        library,
        lib_target,
        strip: strip.unwrap_or_else(|| "strip".to_owned()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Result<Command> {
        parse(&args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>())
    }

    fn options(args: &[&str]) -> Options {
        match parsed(args).expect("parses") {
            Command::Bench(o) => o,
            Command::Help => panic!("help for {args:?}"),
        }
    }

    #[test]
    fn defaults_are_the_full_run() {
        let o = options(&[]);
        assert_eq!(
            (o.quick, o.contacts, o.documents, o.per_class, o.reps),
            (false, 50_000, 2_000, 40, 5)
        );
        assert_eq!(o.library, Library::Build);
        assert_eq!((o.lib_target, o.strip.as_str()), (None, "strip"));
        let q = options(&["--quick"]);
        assert_eq!(
            (q.contacts, q.documents, q.per_class, q.reps),
            (600, 60, 8, 2)
        );
    }

    #[test]
    fn options_are_read() {
        let o = options(&[
            "--contacts",
            "1000",
            "--docs",
            "50",
            "--per-class",
            "3",
            "--keep",
            "/tmp/k",
        ]);
        assert_eq!((o.contacts, o.documents, o.per_class), (1000, 50, 3));
        assert_eq!(o.keep, Some(PathBuf::from("/tmp/k")));
        assert_eq!(
            options(&["--lib", "x.so"]).library,
            Library::Path(PathBuf::from("x.so"))
        );
        assert_eq!(options(&["--no-lib", "--quick"]).library, Library::Skip);
        let arm = options(&[
            "--lib-target",
            "aarch64-unknown-linux-gnu",
            "--strip",
            "llvm-strip",
        ]);
        assert_eq!(arm.library, Library::Build);
        assert_eq!(arm.lib_target.as_deref(), Some("aarch64-unknown-linux-gnu"));
        assert_eq!(arm.strip, "llvm-strip");
    }

    #[test]
    fn help_wins_and_mistakes_are_errors() {
        assert_eq!(parsed(&["--help"]).expect("help"), Command::Help);
        assert_eq!(parsed(&["--quick", "-h"]).expect("help"), Command::Help);
        let unknown = parsed(&["--quik"]).expect_err("unknown");
        assert!(
            unknown.to_string().contains("unknown option `--quik`"),
            "{unknown}"
        );
        assert!(parsed(&["--contacts"])
            .expect_err("no value")
            .to_string()
            .contains("needs a value"));
        assert!(parsed(&["--contacts", "many"])
            .expect_err("not a number")
            .to_string()
            .contains("positive number"));
        assert!(parsed(&["--docs", "0"]).is_err());
        assert!(
            parsed(&["--no-lib", "--lib-target", "aarch64-linux-android"])
                .expect_err("nothing to build")
                .to_string()
                .contains("not with --no-lib")
        );
        assert!(parsed(&["--lib-target"]).is_err());
        assert!(USAGE.contains("--no-lib") && USAGE.contains("relevance"));
        assert!(USAGE.contains("--lib-target TRIPLE") && USAGE.contains("--strip TOOL"));
    }
}
