//! `cargo xtask codegen`: reads `codegen.json` (or one-off command-line choices), generates each
//! crate with the `codegen` library, and writes it (or, with `--check`, compares it).

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// One crate to generate, with paths resolved against the workspace root.
#[derive(Debug, Clone)]
pub struct Job {
    pub spec: codegen::CrateSpec,
    pub models: Vec<PathBuf>,
    pub out: PathBuf,
    /// The shared runtime crate to generate instead of a service crate: `(name, version)`.
    pub runtime_crate: Option<(String, String)>,
}

/// `to` relative to `from` (both directories under one base), with `/` separators.
fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = std::iter::repeat("..".to_string()).take(from.len() - common).collect();
    parts.extend(to[common..].iter().map(|c| c.as_os_str().to_string_lossy().to_string()));
    if parts.is_empty() { ".".into() } else { parts.join("/") }
}

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// Reads the jobs of a `codegen.json` file.
pub fn read_config(path: &Path) -> Result<Vec<Job>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| format!("{}: invalid JSON: {e}", path.display()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let crates = value
        .get("crates")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{}: expected a `crates` array", path.display()))?;
    let mut jobs = Vec::new();
    // `"runtime": {"name": .., "out": ..}`: the shared runtime crate, for crates with
    // `"runtime": "shared"`.
    let shared = match value.get("runtime") {
        None => None,
        Some(r) => {
            let get = |k: &str| {
                r.get(k).and_then(Value::as_str).map(str::to_string).ok_or_else(|| format!("{}: runtime.{k} must be a string", path.display()))
            };
            let (name, out) = (get("name")?, base.join(get("out")?));
            let version = r.get("version").and_then(Value::as_str).unwrap_or("0.1.0").to_string();
            jobs.push(Job {
                spec: codegen::CrateSpec { crate_name: name.clone(), version: version.clone(), service: String::new(), operations: None, runtime: Default::default() },
                models: Vec::new(),
                out: out.clone(),
                runtime_crate: Some((name.clone(), version)),
            });
            Some((name, out))
        }
    };
    for (i, c) in crates.iter().enumerate() {
        let field = |name: &str| -> Result<String, String> {
            c.get(name)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("{}: crates[{i}].{name} must be a string", path.display()))
        };
        let models = c
            .get("models")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("{}: crates[{i}].models must be a list of paths", path.display()))?
            .iter()
            .map(|m| m.as_str().map(|s| base.join(s)).ok_or_else(|| format!("{}: crates[{i}].models entries must be strings", path.display())))
            .collect::<Result<Vec<_>, _>>()?;
        let operations = match c.get("operations") {
            None => None,
            Some(Value::String(s)) if s == "*" => None,
            Some(Value::Array(a)) => Some(
                a.iter()
                    .map(|o| o.as_str().map(str::to_string).ok_or_else(|| format!("{}: crates[{i}].operations entries must be strings", path.display())))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            Some(_) => return Err(format!("{}: crates[{i}].operations must be a list of names or \"*\"", path.display())),
        };
        let out = base.join(field("out")?);
        let runtime = match c.get("runtime").and_then(Value::as_str) {
            None | Some("embedded") => codegen::RuntimeMode::Embedded,
            Some("shared") => {
                let (name, dir) = shared
                    .as_ref()
                    .ok_or_else(|| format!("{}: crates[{i}].runtime is \"shared\" but there is no top-level `runtime` {{\"name\", \"out\"}}", path.display()))?;
                codegen::RuntimeMode::Shared { crate_name: name.clone(), path: relative(&out, dir) }
            }
            Some(other) => return Err(format!("{}: crates[{i}].runtime must be \"embedded\" or \"shared\", not {other:?}", path.display())),
        };
        jobs.push(Job {
            spec: codegen::CrateSpec {
                crate_name: field("name")?,
                version: c.get("version").and_then(Value::as_str).unwrap_or("0.1.0").to_string(),
                service: field("service")?,
                operations,
                runtime,
            },
            models,
            out,
            runtime_crate: None,
        });
    }
    Ok(jobs)
}

/// Reads a job's model files: `(path, text)`.
fn read_models(job: &Job) -> Result<Vec<(String, String)>, String> {
    job.models
        .iter()
        .map(|m| std::fs::read_to_string(m).map(|text| (m.display().to_string(), text)).map_err(|e| format!("{}: {e}", m.display())))
        .collect()
}

/// Generates the files of one job (no writing).
pub fn render(job: &Job) -> Result<BTreeMap<String, String>, String> {
    render_models(job, &read_models(job)?)
}

fn render_models(job: &Job, files: &[(String, String)]) -> Result<BTreeMap<String, String>, String> {
    if let Some((name, version)) = &job.runtime_crate {
        return codegen::generate_runtime(name, version).map_err(|e| e.to_string());
    }
    let start = Instant::now();
    let generated = codegen::generate(files, &job.spec).map_err(|e| e.to_string())?;
    let emitted = start.elapsed();
    let out = codegen::format_files(generated).map_err(|e| e.to_string());
    if std::env::var_os("CODEGEN_TIMING").is_some() {
        eprintln!("emit {:.1} ms, format {:.1} ms", emitted.as_secs_f64() * 1e3, (start.elapsed() - emitted).as_secs_f64() * 1e3);
    }
    out
}

/// What the last generation of a job wrote, so that a regeneration with nothing changed is
/// skipped: a key over everything the output depends on (this generator's executable, its
/// header with the runtime hash, the job, the model texts), and each written file's size and
/// modification time (a file edited behind the generator's back changes them; statting is
/// what makes the check take milliseconds for a crate of megabytes). Kept under the target
/// directory; a missing or unreadable stamp only means "generate".
mod stamp {
    use super::Job;
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    fn fnv(h: &mut u64, bytes: &[u8]) {
        for b in bytes {
            *h ^= u64::from(*b);
            *h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn hash(bytes: &[u8]) -> u64 {
        let mut h = 0xcbf2_9ce4_8422_2325;
        fnv(&mut h, bytes);
        h
    }

    /// The key of a job: changes when the generator binary, the job or a model changes.
    pub fn key(job: &Job, models: &[(String, String)]) -> u64 {
        let mut h = 0xcbf2_9ce4_8422_2325;
        // The executable's size and modification time stand for the generator's code.
        if let Some(meta) = std::env::current_exe().ok().and_then(|p| std::fs::metadata(p).ok()) {
            fnv(&mut h, &meta.len().to_le_bytes());
            let modified = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).unwrap_or_default();
            fnv(&mut h, &modified.as_nanos().to_le_bytes());
        }
        fnv(&mut h, codegen::header().as_bytes());
        fnv(&mut h, format!("{:?}|{:?}|{}", job.spec, job.runtime_crate, job.out.display()).as_bytes());
        for (path, text) in models {
            fnv(&mut h, path.as_bytes());
            fnv(&mut h, &[0]);
            fnv(&mut h, text.as_bytes());
            fnv(&mut h, &[0]);
        }
        h
    }

    fn path(out: &Path) -> PathBuf {
        let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| super::root().join("target"));
        target.join("xtask-codegen-stamps").join(format!("{:016x}", hash(out.display().to_string().as_bytes())))
    }

    /// Whether the output directory holds exactly what the generation with `key` wrote.
    pub fn fresh(out: &Path, key: u64) -> bool {
        let Ok(text) = std::fs::read_to_string(path(out)) else { return false };
        let mut lines = text.lines();
        if lines.next() != Some(format!("{key:016x}").as_str()) {
            return false;
        }
        let mut recorded = BTreeMap::new();
        for line in lines {
            let Some((h, rel)) = line.split_once(' ') else { return false };
            let Ok(h) = u64::from_str_radix(h, 16) else { return false };
            recorded.insert(rel.to_string(), h);
        }
        // Every recorded file unchanged, and nothing else under src/.
        let mut existing = Vec::new();
        super::collect_files(&out.join("src"), &mut existing);
        let src_files = existing.len();
        if recorded.keys().filter(|rel| rel.starts_with("src/")).count() != src_files {
            return false;
        }
        recorded.iter().all(|(rel, h)| file_print(&out.join(rel)) == Some(*h))
    }

    /// A file's size and modification time, hashed.
    fn file_print(path: &Path) -> Option<u64> {
        let meta = std::fs::metadata(path).ok()?;
        let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
        let mut h = 0xcbf2_9ce4_8422_2325;
        fnv(&mut h, &meta.len().to_le_bytes());
        fnv(&mut h, &modified.as_nanos().to_le_bytes());
        Some(h)
    }

    /// Records what a generation wrote, as it now is on disk (best effort).
    pub fn write(out: &Path, key: u64, files: &BTreeMap<String, String>) {
        let mut text = format!("{key:016x}\n");
        for rel in files.keys() {
            let Some(print) = file_print(&out.join(rel)) else { return };
            text.push_str(&format!("{print:016x} {rel}\n"));
        }
        let path = path(out);
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = std::fs::write(path, text);
    }
}

/// Writes (or checks) a rendered crate; returns the names of stale files.
pub fn sync(out: &Path, files: &BTreeMap<String, String>, check: bool) -> Result<Vec<String>, String> {
    let mut stale = Vec::new();
    for (rel, text) in files {
        let path = out.join(rel);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() != Some(text.as_str()) {
            stale.push(rel.clone());
            if !check {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                }
                std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
    }
    // Files under src/ that the generator no longer produces.
    let src = out.join("src");
    let mut existing = Vec::new();
    collect_files(&src, &mut existing);
    for path in existing {
        let rel = path.strip_prefix(out).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        if !files.contains_key(&rel) {
            stale.push(format!("{rel} (no longer generated)"));
            if !check {
                std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
    }
    Ok(stale)
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Runs every job; in check mode fails when anything is stale.
pub fn run_jobs(jobs: &[Job], check: bool, quiet: bool) -> Result<(), String> {
    let mut all_stale = Vec::new();
    for job in jobs {
        let start = Instant::now();
        let models = read_models(job)?;
        let key = stamp::key(job, &models);
        if stamp::fresh(&job.out, key) {
            if !quiet {
                println!("{} unchanged (skipped) in {:.1} ms", job.out.display(), start.elapsed().as_secs_f64() * 1000.0);
            }
            continue;
        }
        let files = render_models(job, &models)?;
        let elapsed = start.elapsed();
        let stale = sync(&job.out, &files, check)?;
        if !check || stale.is_empty() {
            stamp::write(&job.out, key, &files);
        }
        if !quiet {
            let verb = if check { "checked" } else { "wrote" };
            let changed = if check { format!("{} stale", stale.len()) } else { format!("{} changed", stale.len()) };
            println!(
                "{verb} {} ({} files, {changed}) in {:.1} ms",
                job.out.display(),
                files.len(),
                elapsed.as_secs_f64() * 1000.0
            );
            if !check {
                for f in &stale {
                    println!("  {f}");
                }
            }
        }
        all_stale.extend(stale.into_iter().map(|f| format!("{}/{f}", job.out.display())));
    }
    if check && !all_stale.is_empty() {
        return Err(format!(
            "generated code is stale: run `cargo xtask codegen` and commit the result.\nstale files:\n  {}",
            all_stale.join("\n  ")
        ));
    }
    Ok(())
}

/// Writes (or checks) the reliability harness's operation tables for `jobs` (see `harness.rs`).
pub fn sync_harness(jobs: &[Job], check: bool) -> Result<(), String> {
    let stale = crate::harness::sync(jobs, check)?;
    if check && !stale.is_empty() {
        return Err(format!(
            "the reliability harness's operation tables are stale: run `cargo xtask codegen` and commit the result.\nstale files:\n  {}",
            stale.join("\n  ")
        ));
    }
    if !check {
        println!("wrote reliability/src/ops ({} changed)", stale.len());
    }
    Ok(())
}

/// Why `name` is not a valid Cargo package name, if it is not.
fn check_package_name(name: &str) -> Result<String, String> {
    if name.is_empty() {
        return Err("a package name cannot be empty".into());
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        return Err(format!("invalid character {c:?} in package name (use letters, digits, `-` and `_`)"));
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err("a package name cannot start with a digit".into());
    }
    Ok(name.to_string())
}

/// A Cargo package name for a crate written to `out`, from the directory's name: characters
/// Cargo does not allow become `-` (`legacy-1.0` -> `legacy-1-0`). Fails with a message that
/// asks for `--name` when no valid name can be derived.
pub fn package_name_from_dir(out: &Path) -> Result<String, String> {
    let dir = out.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let mut name = String::new();
    for c in dir.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' };
        if !(c == '-' && (name.is_empty() || name.ends_with('-'))) {
            name.push(c);
        }
    }
    let name = name.trim_end_matches('-').to_string();
    check_package_name(&name).map_err(|e| {
        format!(
            "cannot derive a Cargo package name from the output directory {:?} ({e}); pass --name CRATE",
            out.display().to_string()
        )
    })
}

/// `cargo xtask codegen [--check] [--config FILE] [--model PATH ... --service ID [--operation NAME ...] --out DIR [--name CRATE]]`
pub fn cmd(args: &[String]) -> Result<(), String> {
    let check = args.iter().any(|a| a == "--check");
    let mut models = Vec::new();
    let mut operations = Vec::new();
    let mut service = None;
    let mut out = None;
    let mut name = None;
    let mut config = None;
    let mut i = 0;
    while i < args.len() {
        let value = || args.get(i + 1).cloned().ok_or_else(|| format!("{} needs a value", args[i]));
        match args[i].as_str() {
            "--check" => {}
            "--model" => {
                models.push(PathBuf::from(value()?));
                i += 1;
            }
            "--operation" => {
                operations.push(value()?);
                i += 1;
            }
            "--service" => {
                service = Some(value()?);
                i += 1;
            }
            "--out" => {
                out = Some(PathBuf::from(value()?));
                i += 1;
            }
            "--name" => {
                name = Some(value()?);
                i += 1;
            }
            "--config" => {
                config = Some(PathBuf::from(value()?));
                i += 1;
            }
            other => return Err(format!("unknown option `{other}`")),
        }
        i += 1;
    }
    let jobs = if models.is_empty() {
        let default_config = config.is_none();
        let jobs = read_config(&config.unwrap_or_else(|| root().join("codegen.json")))?;
        if default_config {
            // The repository's crates: also the reliability harness's tables of their operations.
            run_jobs(&jobs, check, false)?;
            return sync_harness(&jobs, check);
        }
        jobs
    } else {
        let service = service.ok_or("--model needs --service ID")?;
        let out = out.ok_or("--model needs --out DIR")?;
        let crate_name = match name {
            Some(name) => check_package_name(&name).map_err(|e| format!("--name {name:?}: {e}"))?,
            None => package_name_from_dir(&out)?,
        };
        vec![Job {
            spec: codegen::CrateSpec {
                crate_name,
                version: "0.1.0".into(),
                service,
                operations: if operations.is_empty() { None } else { Some(operations) },
                runtime: Default::default(),
            },
            models,
            out,
            runtime_crate: None,
        }]
    };
    run_jobs(&jobs, check, false)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn package_name_is_derived_from_the_output_directory() {
        let derive = |p: &str| super::package_name_from_dir(Path::new(p));
        assert_eq!(derive("/tmp/legacy-1.0").as_deref(), Ok("legacy-1-0"));
        assert_eq!(derive("/tmp/dynamodb").as_deref(), Ok("dynamodb"));
        assert_eq!(derive("out/my client..v2.").as_deref(), Ok("my-client-v2"));
        assert_eq!(derive("/tmp/snake_case").as_deref(), Ok("snake_case"));
        for bad in ["/tmp/1.0", "/tmp/...", "/"] {
            let err = derive(bad).expect_err(bad);
            assert!(err.contains("cannot derive a Cargo package name") && err.contains("--name"), "{bad}: {err}");
        }
        assert!(super::check_package_name("legacy-1.0").is_err());
        assert!(super::check_package_name("legacy-1-0").is_ok());
    }

    /// The crate that `--out /tmp/legacy-1.0` writes is one Cargo accepts.
    #[test]
    fn one_off_generation_writes_a_valid_package_name() {
        let out = std::env::temp_dir().join(format!("smithy-lite-xtask-{}", std::process::id())).join("legacy-1.0");
        let model = super::root().join("codegen/tests/fixtures/errors.json");
        let args: Vec<String> = ["--model", &model.display().to_string(), "--service", "example.errors#ErrorService", "--out", &out.display().to_string()]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let result = super::cmd(&args);
        let manifest = std::fs::read_to_string(out.join("Cargo.toml"));
        let _ = std::fs::remove_dir_all(out.parent().unwrap());
        result.expect("generation succeeds");
        assert!(manifest.expect("Cargo.toml written").contains("name = \"legacy-1-0\""));
    }

    /// A regeneration with nothing changed is skipped, and a file changed (or added) behind the
    /// generator's back is noticed and regenerated.
    #[test]
    fn unchanged_regeneration_is_skipped_and_edits_are_noticed() {
        let out = std::env::temp_dir().join(format!("smithy-lite-xtask-stamp-{}", std::process::id())).join("errors");
        let model = super::root().join("codegen/tests/fixtures/errors.json");
        let job = super::Job {
            spec: codegen::CrateSpec {
                crate_name: "errors".into(),
                version: "0.1.0".into(),
                service: "example.errors#ErrorService".into(),
                operations: None,
                runtime: Default::default(),
            },
            models: vec![model],
            out: out.clone(),
            runtime_crate: None,
        };
        let models = super::read_models(&job).unwrap();
        let key = super::stamp::key(&job, &models);
        assert!(!super::stamp::fresh(&out, key), "nothing generated yet");
        super::run_jobs(std::slice::from_ref(&job), false, true).unwrap();
        assert!(super::stamp::fresh(&out, key), "just generated");
        let lib = out.join("src/lib.rs");
        let original = std::fs::read_to_string(&lib).unwrap();
        std::fs::write(&lib, format!("{original}\n// edited\n")).unwrap();
        assert!(!super::stamp::fresh(&out, key), "an edited file is noticed");
        super::run_jobs(std::slice::from_ref(&job), false, true).unwrap();
        assert_eq!(std::fs::read_to_string(&lib).unwrap(), original, "and regenerated");
        std::fs::write(out.join("src/extra.rs"), "").unwrap();
        assert!(!super::stamp::fresh(&out, key), "an added file is noticed");
        super::run_jobs(std::slice::from_ref(&job), false, true).unwrap();
        assert!(!out.join("src/extra.rs").exists());
        let mut other = models.clone();
        other[0].1.push(' ');
        assert_ne!(super::stamp::key(&job, &other), key, "a model change changes the key");
        let _ = std::fs::remove_dir_all(out.parent().unwrap());
    }

    /// A plain `cargo test` fails when generated/ does not match the generator and model/.
    #[test]
    fn generated_code_is_fresh() {
        let jobs = super::read_config(&super::root().join("codegen.json")).expect("codegen.json");
        if let Err(e) = super::run_jobs(&jobs, true, true).and_then(|()| super::sync_harness(&jobs, true)) {
            panic!("{e}");
        }
    }
}
