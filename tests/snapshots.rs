//! The generator's output, pinned: one snapshot per fixture (each exercising one feature), one
//! per captured spec, and the error of each document it must refuse (`refused/`). Review changes
//! with `cargo insta review`.

use codegen::{ManifestOptions, Target};
use std::path::Path;

/// Every generated file of `spec`, concatenated under `// ---- path ----` separators.
fn generated_text(spec: &Path, package: &str) -> String {
    let text = std::fs::read_to_string(spec).expect("spec is readable");
    let target = Target {
        spec_label: format!(
            "{}",
            spec.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        ),
        command: "snapshot".to_owned(),
        manifest: ManifestOptions {
            package: package.to_owned(),
            runtime_path: "../../runtime".to_owned(),
            standalone: false,
            examples: Vec::new(),
        },
    };
    let generated = codegen::generate(&text, &target)
        .unwrap_or_else(|error| panic!("{} does not generate: {error}", spec.display()));
    let mut out = String::new();
    for warning in &generated.warnings {
        out.push_str(&format!("// warning: {warning}\n"));
    }
    for file in &generated.files {
        out.push_str(&format!(
            "// ---- {} ----\n{}",
            file.path.display(),
            file.contents
        ));
    }
    out
}

#[test]
fn fixture_output() {
    insta::glob!("fixtures/*.yaml", |path| {
        let name = path
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut settings = insta::Settings::clone_current();
        settings.set_omit_expression(true);
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!(generated_text(path, &name)));
    });
}

/// Documents the generator must refuse, each with an error that names its nodes.
#[test]
fn refused_output() {
    insta::glob!("refused/*.yaml", |path| {
        let text = std::fs::read_to_string(path).expect("spec is readable");
        let target = Target {
            spec_label: "refused".to_owned(),
            command: "snapshot".to_owned(),
            manifest: ManifestOptions {
                package: "refused".to_owned(),
                runtime_path: "../../runtime".to_owned(),
                standalone: false,
                examples: Vec::new(),
            },
        };
        let error = match codegen::generate(&text, &target) {
            Ok(_) => panic!("{} generated a crate", path.display()),
            // Every problem found, not only the first the message names.
            Err(codegen::GenerateError::Load(codegen::LoadError::Invalid(diagnostics))) => {
                diagnostics.iter().map(|d| format!("{d}\n")).collect()
            }
            Err(error) => error.to_string(),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut settings = insta::Settings::clone_current();
        settings.set_omit_expression(true);
        settings.set_prepend_module_to_snapshot(false);
        // The file's name even while it is the only one (a glob of one names nothing).
        settings.set_snapshot_suffix(name);
        settings.bind(|| insta::assert_snapshot!(error));
    });
}

#[test]
fn captured_spec_output() {
    let root = xtask::project_root();
    for client in xtask::CLIENTS {
        let mut settings = insta::Settings::clone_current();
        settings.set_omit_expression(true);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_snapshot_suffix(client.package);
        settings.bind(|| {
            insta::assert_snapshot!(generated_text(&root.join(client.spec), client.package));
        });
    }
}
