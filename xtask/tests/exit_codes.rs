//! The exit codes `cargo xtask --help` lists are exactly the README's table.
#![allow(clippy::unwrap_used)]

/// `(code, meaning)` rows of the README's exit-code table.
fn readme_table() -> Vec<(u8, String)> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let start = readme.find("| exit code | meaning |").expect("the README has an exit-code table");
    let rows = readme[start..].lines().skip(2).take_while(|line| line.starts_with('|'));
    rows.map(|line| {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        (cells[0].parse().unwrap(), cells[1].to_owned())
    })
    .collect()
}

/// `(code, meaning)` rows of the "Exit codes:" section of `cargo xtask --help`.
fn help_table() -> Vec<(u8, String)> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xtask")).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    let section = help.split_once("Exit codes:\n").expect("--help lists the exit codes").1;
    let rows = section.lines().take_while(|line| line.starts_with("  "));
    rows.map(|line| {
        let (code, meaning) = line.trim().split_once("  ").unwrap();
        (code.parse().unwrap(), meaning.trim().to_owned())
    })
    .collect()
}

#[test]
fn the_readme_lists_exactly_the_exit_codes_the_command_line_has() {
    let help = help_table();
    assert_eq!(help.len(), 9, "{help:?}");
    assert_eq!(readme_table(), help);
}
