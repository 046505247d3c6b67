//! The function's deployment package: checks of the built `bootstrap` (the architecture Lambda will run it on,
//! and a glibc no newer than Amazon Linux 2023's) and a deterministic zip, so that the same code always gives the
//! same sha256 and an unchanged function is never uploaded twice.

use std::io::Write;

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::config::Architecture;

/// The glibc of Amazon Linux 2023, the `provided.al2023` runtime.
pub const MAX_GLIBC: (u32, u32) = (2, 34);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PackageError {
    #[error("bootstrap is not an ELF executable")]
    NotElf,
    #[error(
        "bootstrap is built for {found}, but the function runs on {wanted}\nhelp: build it with `cargo xtask build-lambda --arch {wanted}`"
    )]
    WrongMachine { found: String, wanted: String },
    #[error("bootstrap needs GLIBC_{}.{}, newer than Amazon Linux 2023's {}.{}\nhelp: build with cargo-zigbuild and a `.2.34` glibc suffix on the target (as `cargo xtask build-lambda` does)", .0.0, .0.1, MAX_GLIBC.0, MAX_GLIBC.1)]
    GlibcTooNew((u32, u32)),
    #[error("could not zip bootstrap: {0}")]
    Zip(String),
}

/// What the checks found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfReport {
    pub machine: &'static str,
    /// The highest `GLIBC_x.y` symbol version it needs; `None` for a static binary.
    pub max_glibc: Option<(u32, u32)>,
}

fn machine_name(code: u16) -> &'static str {
    match code {
        0x3e => "x86_64",
        0xb7 => "arm64",
        _ => "another machine",
    }
}

/// Checks that `binary` is an ELF for `architecture` whose glibc needs are within Amazon Linux 2023's.
pub fn check(binary: &[u8], architecture: Architecture) -> Result<ElfReport, PackageError> {
    if binary.len() < 20 || &binary[..4] != b"\x7fELF" {
        return Err(PackageError::NotElf);
    }
    // e_machine, little-endian at offset 18 (both of Lambda's architectures are little-endian).
    let machine = machine_name(u16::from_le_bytes([binary[18], binary[19]]));
    let wanted = match architecture {
        Architecture::Arm64 => "arm64",
        Architecture::X86_64 => "x86_64",
    };
    if machine != wanted {
        return Err(PackageError::WrongMachine { found: machine.to_owned(), wanted: wanted.to_owned() });
    }
    let max_glibc = max_glibc(binary);
    if let Some(version) = max_glibc
        && version > MAX_GLIBC
    {
        return Err(PackageError::GlibcTooNew(version));
    }
    Ok(ElfReport { machine, max_glibc })
}

/// The highest `GLIBC_x.y` version string in the binary: the versions of the symbols it imports are recorded as
/// such strings in its dynamic string table, and a static binary has none.
pub fn max_glibc(binary: &[u8]) -> Option<(u32, u32)> {
    const NEEDLE: &[u8] = b"GLIBC_";
    let mut best = None;
    let mut i = 0;
    while let Some(pos) = binary[i..].windows(NEEDLE.len()).position(|w| w == NEEDLE) {
        let start = i + pos + NEEDLE.len();
        let digits: Vec<u8> =
            binary[start..].iter().take_while(|b| b.is_ascii_digit() || **b == b'.').copied().collect();
        let text = String::from_utf8_lossy(&digits);
        let mut parts = text.split('.').filter_map(|p| p.parse::<u32>().ok());
        if let (Some(major), Some(minor)) = (parts.next(), parts.next()) {
            best = best.max(Some((major, minor)));
        }
        i = start;
    }
    best
}

/// Zips `bootstrap` at the root with mode 755 and a fixed timestamp: the same binary, the same bytes.
pub fn zip(binary: &[u8]) -> Result<Vec<u8>, PackageError> {
    let mut out = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(9))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o755);
    let failed = |e: &dyn std::fmt::Display| PackageError::Zip(e.to_string());
    out.start_file("bootstrap", options).map_err(|e| failed(&e))?;
    out.write_all(binary).map_err(|e| failed(&e))?;
    Ok(out.finish().map_err(|e| failed(&e))?.into_inner())
}

/// The lowercase hex sha256 of `bytes`: the zip's key in the asset bucket.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elf(machine: u16, extra: &[u8]) -> Vec<u8> {
        let mut bytes = vec![0u8; 64];
        bytes[..4].copy_from_slice(b"\x7fELF");
        bytes[18..20].copy_from_slice(&machine.to_le_bytes());
        bytes.extend_from_slice(extra);
        bytes
    }

    #[test]
    fn the_machine_must_match() {
        let arm = elf(0xb7, b"\0GLIBC_2.17\0GLIBC_2.34\0");
        assert_eq!(check(&arm, Architecture::Arm64).unwrap(), ElfReport { machine: "arm64", max_glibc: Some((2, 34)) });
        let err = check(&arm, Architecture::X86_64).unwrap_err();
        assert_eq!(err, PackageError::WrongMachine { found: "arm64".into(), wanted: "x86_64".into() });
        assert_eq!(check(b"#!/bin/sh\n echo hi and more", Architecture::Arm64), Err(PackageError::NotElf));
    }

    #[test]
    fn a_newer_glibc_is_refused_and_static_passes() {
        let new = elf(0x3e, b"\0GLIBC_2.2.5\0GLIBC_2.39\0GLIBC_2.34\0");
        assert_eq!(check(&new, Architecture::X86_64), Err(PackageError::GlibcTooNew((2, 39))));
        let static_binary = elf(0x3e, b"no versions here");
        assert_eq!(check(&static_binary, Architecture::X86_64).unwrap().max_glibc, None);
    }

    #[test]
    fn the_zip_is_deterministic_with_bootstrap_executable_at_the_root() {
        let binary = elf(0xb7, &[7u8; 10_000]);
        let (a, b) = (zip(&binary).unwrap(), zip(&binary).unwrap());
        assert_eq!(sha256_hex(&a), sha256_hex(&b));
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(a)).unwrap();
        assert_eq!(archive.len(), 1);
        let file = archive.by_index(0).unwrap();
        assert_eq!(file.name(), "bootstrap");
        assert_eq!(file.unix_mode().map(|m| m & 0o777), Some(0o755));
    }
}
