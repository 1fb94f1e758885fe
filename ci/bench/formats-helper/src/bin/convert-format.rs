//! Writes a format-57 rustdoc JSON file as format 58, 59, 60 or 61 (for ci/bench/formats.sh).
//!
//! The document is read into the rustdoc-types 0.61 structs and written back with what format
//! N does not have removed and stability records in format N's shape, the same conversion
//! tests/formats.rs uses. No toolchain installable here emits these formats.
//!
//! usage: convert-format IN.json VERSION OUT.json

use serde_json::Value;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, version, output] = args.as_slice() else {
        eprintln!("usage: convert-format IN.json VERSION OUT.json");
        std::process::exit(2);
    };
    let version: u32 = version.parse().expect("VERSION is a number");
    assert!((58..=61).contains(&version), "VERSION must be 58 to 61");
    let bytes = std::fs::read(input).expect("read IN.json");
    let krate: rustdoc_types::Crate = serde_json::from_slice(&bytes).expect("format-57 JSON");
    drop(bytes);
    let mut value = serde_json::to_value(&krate).expect("serialise");
    drop(krate);
    value["format_version"] = Value::from(version);
    if let Some(index) = value["index"].as_object_mut() {
        for item in index.values_mut() {
            let item = item.as_object_mut().expect("item is an object");
            if version < 59 {
                item.remove("const_stability");
            }
            if version < 61 {
                for key in ["stability", "const_stability"] {
                    if let Some(Value::Object(s)) = item.get_mut(key) {
                        if let Some(Value::Object(level)) = s.remove("level") {
                            let (tag, fields) = level.into_iter().next().expect("one level");
                            s.insert("level".into(), Value::String(tag));
                            if let Value::Object(fields) = fields {
                                s.extend(fields);
                            }
                        }
                    }
                }
            }
            if version < 60 {
                if let Some(Value::Object(inner)) = item.get_mut("inner") {
                    for fields in inner.values_mut() {
                        if let Some(fields) = fields.as_object_mut() {
                            fields.remove("default_unstable");
                        }
                    }
                }
            }
        }
    }
    let file = std::io::BufWriter::new(std::fs::File::create(output).expect("create OUT.json"));
    serde_json::to_writer(file, &value).expect("write OUT.json");
}
