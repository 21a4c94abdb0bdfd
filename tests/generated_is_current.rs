//! `generated/` matches what `spec/` generates: `cargo xtask codegen --check` as a test, so
//! `cargo test` alone catches a spec edited without regenerating.

#[test]
fn generated_crates_match_their_specs() {
    if let Err(error) = xtask::codegen(xtask::Mode::Check) {
        panic!("{error}");
    }
}
