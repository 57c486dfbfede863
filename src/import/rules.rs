//! Anonymisation rules (`--rules rules.toml`): each `[[rules]]` entry changes the value at a
//! document path of the items its `match` (a ConditionExpression, compiled by our own
//! compiler) selects: `fake`, `mask`, `hash` (keyed SHA-256), `redact` or `null`.
//! `[consistency] fields` map one original value to one output value across the whole run;
//! `[consistency] groups` share one such map between paths of different names (a user's
//! `email` and an order's `customer_email`).
//! Original values and secrets never appear in messages.

use crate::expr::ir::{Cond, Path, PathElem};
use crate::expr::{eval, ExprKind, Placeholders};
use crate::model::{AttributeValue, Item};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

/// The rules file as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    rules: Vec<RuleText>,
    #[serde(default)]
    values: BTreeMap<String, toml::Value>,
    #[serde(default)]
    names: BTreeMap<String, String>,
    #[serde(default)]
    consistency: Option<Consistency>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Consistency {
    #[serde(default)]
    fields: Vec<String>,
    #[serde(default)]
    groups: Vec<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleText {
    #[serde(rename = "match")]
    matches: Option<String>,
    path: String,
    tables: Option<Vec<String>>,
    action: String,
    generator: Option<String>,
    seed_env: Option<String>,
    keep_last: Option<usize>,
    mask_char: Option<char>,
    salt_env: Option<String>,
}

/// What a rule does to a value.
#[derive(Clone, Debug)]
enum Action {
    Fake(Generator),
    Mask { keep_last: usize, mask_char: char },
    Hash { salt: Vec<u8> },
    Redact,
    Null,
}

/// The `fake` generators.
#[derive(Clone, Copy, Debug)]
enum Generator {
    SafeEmail,
    Name,
    FirstName,
    LastName,
    PhoneNumber,
    Address,
    CompanyName,
    Sentence,
    Word,
}

impl Generator {
    fn parse(s: &str) -> Option<Generator> {
        Some(match s {
            "safe_email" => Generator::SafeEmail,
            "name" => Generator::Name,
            "first_name" => Generator::FirstName,
            "last_name" => Generator::LastName,
            "phone_number" => Generator::PhoneNumber,
            "address" => Generator::Address,
            "company_name" => Generator::CompanyName,
            "sentence" => Generator::Sentence,
            "word" => Generator::Word,
            _ => return None,
        })
    }

    fn make(self, seed: [u8; 32]) -> String {
        use fake::faker::address::en::{BuildingNumber, CityName, StreetName, ZipCode};
        use fake::faker::company::en::CompanyName;
        use fake::faker::internet::en::SafeEmail;
        use fake::faker::lorem::en::{Sentence, Word};
        use fake::faker::name::en::{FirstName, LastName, Name};
        use fake::faker::phone_number::en::PhoneNumber;
        use fake::rand::SeedableRng;
        use fake::Fake;
        let mut rng = fake::rand::rngs::StdRng::from_seed(seed);
        let r = &mut rng;
        match self {
            Generator::SafeEmail => SafeEmail().fake_with_rng(r),
            Generator::Name => Name().fake_with_rng(r),
            Generator::FirstName => FirstName().fake_with_rng(r),
            Generator::LastName => LastName().fake_with_rng(r),
            Generator::PhoneNumber => PhoneNumber().fake_with_rng(r),
            Generator::Address => {
                let n: String = BuildingNumber().fake_with_rng(r);
                let street: String = StreetName().fake_with_rng(r);
                let city: String = CityName().fake_with_rng(r);
                let zip: String = ZipCode().fake_with_rng(r);
                format!("{n} {street}, {city} {zip}")
            }
            Generator::CompanyName => CompanyName().fake_with_rng(r),
            Generator::Sentence => Sentence(4..10).fake_with_rng(r),
            Generator::Word => Word().fake_with_rng(r),
        }
    }
}

/// One compiled rule.
struct Rule {
    /// `rules[N].path` as written, for reports.
    label: String,
    condition: Option<Cond>,
    path: Path,
    tables: Option<Vec<String>>,
    action: Action,
    /// The key that makes this rule's fakes: from `seed_env`, or random per run.
    fake_key: [u8; 32],
}

/// What the rules did over a run, per rule: values changed, and values that survived
/// (present on an item the rule did not match, or unchanged by it).
#[derive(Clone, Debug, Default)]
pub struct RuleReport {
    /// `path` (and the rule's number).
    pub rule: String,
    /// Values the rule changed.
    pub applied: usize,
    /// Original values left in the output by this rule.
    pub exposed: usize,
}

/// Compiled rules and the run's consistency map.
pub struct Rules {
    rules: Vec<Rule>,
    /// Paths under consistency, each with its group's number.
    consistent: Vec<(Path, usize)>,
    /// (consistency group, digest of the original value) -> output value. A digest keeps the
    /// originals themselves out of memory and makes keys small.
    mapping: HashMap<(usize, [u8; 32]), AttributeValue>,
    reports: Vec<RuleReport>,
}

fn rule_err(i: usize, what: impl std::fmt::Display) -> String {
    format!("rules[{}]: {what}", i + 1)
}

/// A document path (`a.b[2].c`) as the compiler reads it (with `#names`).
fn parse_path(text: &str, names: &BTreeMap<String, String>) -> Result<Path, String> {
    let names = (!names.is_empty()).then_some(names);
    let mut ph = Placeholders::new(names, None).map_err(|e| e.message().to_string())?;
    let mut paths =
        crate::expr::projection::parse(text, &mut ph).map_err(|e| e.message().to_string())?;
    if paths.len() != 1 {
        return Err(format!("expected one path, found {}", paths.len()));
    }
    Ok(paths.remove(0))
}

fn env_secret(var: &str, what: &str, i: usize) -> Result<Vec<u8>, String> {
    match std::env::var(var) {
        Ok(v) if v.len() >= 16 => Ok(v.into_bytes()),
        Ok(v) if v.is_empty() => Err(rule_err(i, format!("{what} {var} is empty"))),
        Ok(_) => Err(rule_err(
            i,
            format!("{what} {var} is shorter than 16 bytes"),
        )),
        Err(_) => Err(rule_err(i, format!("{what} {var} is not set"))),
    }
}

fn random_key() -> [u8; 32] {
    use fake::rand::RngExt;
    let mut key = [0u8; 32];
    fake::rand::rng().fill(&mut key);
    key
}

impl Rules {
    /// Reads and compiles a rules file; every secret is checked here, before any data.
    pub fn parse(source: &str, text: &str) -> Result<Rules, String> {
        // toml's own text quotes the offending line, which may hold a value: the message
        // and the position only.
        let file: File = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| {
                    let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                    format!(" (line {line})")
                })
                .unwrap_or_default();
            format!("{source}: {}{at}", e.message())
        })?;
        let values: Option<Item> = if file.values.is_empty() {
            None
        } else {
            let json = serde_json::to_value(&file.values)
                .map_err(|_| format!("{source}: [values] is not DynamoDB JSON"))?;
            Some(serde_json::from_value(json).map_err(|_| {
                format!("{source}: [values] holds a value that is not a DynamoDB AttributeValue")
            })?)
        };
        let names = file.names;
        // Rules without seed_env share one key per run: one original, one fake, in every rule.
        let run_key = random_key();
        let mut rules = Vec::new();
        for (i, r) in file.rules.into_iter().enumerate() {
            let condition = match &r.matches {
                Some(text) => {
                    let n = (!names.is_empty()).then_some(&names);
                    let mut ph = Placeholders::new(n, values.as_ref())
                        .map_err(|e| rule_err(i, e.message()))?;
                    Some(
                        crate::expr::parse_condition(ExprKind::Condition, text, &mut ph)
                            .map_err(|e| rule_err(i, format!("match: {}", e.message())))?,
                    )
                }
                None => None,
            };
            let path =
                parse_path(&r.path, &names).map_err(|e| rule_err(i, format!("path: {e}")))?;
            let action = match r.action.as_str() {
                "fake" => {
                    let g = r
                        .generator
                        .as_deref()
                        .ok_or_else(|| rule_err(i, "fake needs a generator"))?;
                    Action::Fake(Generator::parse(g).ok_or_else(|| {
                        rule_err(i, format!("unknown generator {g:?} (safe_email, name, first_name, last_name, phone_number, address, company_name, sentence, word)"))
                    })?)
                }
                "mask" => Action::Mask {
                    keep_last: r.keep_last.unwrap_or(4),
                    mask_char: r.mask_char.unwrap_or('*'),
                },
                "hash" => {
                    let var = r
                        .salt_env
                        .as_deref()
                        .ok_or_else(|| rule_err(i, "hash needs salt_env"))?;
                    Action::Hash {
                        salt: env_secret(var, "salt_env", i)?,
                    }
                }
                "redact" => Action::Redact,
                "null" => Action::Null,
                other => {
                    return Err(rule_err(
                        i,
                        format!("unknown action {other:?} (fake, mask, hash, redact, null)"),
                    ))
                }
            };
            let fake_key = match &r.seed_env {
                Some(var) => {
                    let seed = std::env::var(var)
                        .map_err(|_| rule_err(i, format!("seed_env {var} is not set")))?;
                    Sha256::digest(seed.as_bytes()).into()
                }
                None => run_key,
            };
            rules.push(Rule {
                label: format!("rules[{}] {}", i + 1, r.path),
                condition,
                path,
                tables: r.tables,
                action,
                fake_key,
            });
        }
        // Each field is a group of its own; a group's paths share one map.
        let groups: Vec<Vec<String>> = file
            .consistency
            .map(|c| {
                c.fields
                    .into_iter()
                    .map(|f| vec![f])
                    .chain(c.groups)
                    .collect()
            })
            .unwrap_or_default();
        let mut consistent: Vec<(Path, usize)> = Vec::new();
        for (group, fields) in groups.iter().enumerate() {
            if fields.is_empty() {
                return Err("consistency: a group names no fields".to_string());
            }
            for f in fields {
                let path = parse_path(f, &names).map_err(|e| format!("consistency: {f}: {e}"))?;
                if consistent.iter().any(|(p, _)| *p == path) {
                    return Err(format!("consistency: {f} is named twice"));
                }
                // A field no rule changes would be kept as it is: say so rather than
                // promise a mapping that never happens.
                if !rules.iter().any(|r| r.path == path) {
                    return Err(format!("consistency: {f} is not the path of any rule"));
                }
                consistent.push((path, group));
            }
        }
        let reports = rules
            .iter()
            .map(|r| RuleReport {
                rule: r.label.clone(),
                ..Default::default()
            })
            .collect();
        Ok(Rules {
            rules,
            consistent,
            mapping: HashMap::new(),
            reports,
        })
    }

    /// Refuses a rule whose `tables` names a table that is neither in the export nor in the
    /// schema: a misspelt name would leave the table's values as they are.
    pub fn check_tables(&self, known: &[&str]) -> Result<(), String> {
        for (i, rule) in self.rules.iter().enumerate() {
            for t in rule.tables.iter().flatten() {
                if !known.contains(&t.as_str()) {
                    return Err(rule_err(
                        i,
                        format!("tables: {t} is neither in the export nor in the schema"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// What each rule did so far.
    pub fn reports(&self) -> &[RuleReport] {
        &self.reports
    }

    /// The paths rules change on a table (to check keys stay unique).
    pub fn paths_on(&self, table: &str) -> Vec<&Path> {
        self.rules
            .iter()
            .filter(|r| {
                r.tables
                    .as_ref()
                    .is_none_or(|t| t.iter().any(|x| x == table))
            })
            .map(|r| &r.path)
            .collect()
    }

    /// Applies the rules of `table` to an item. Errors name the rule, never the value.
    /// Matches and exposures are judged on the item as it came: rules do not see each
    /// other's output.
    pub fn apply(&mut self, table: &str, item: &mut Item) -> Result<(), String> {
        let as_read = (self.rules.len() > 1).then(|| item.clone());
        for (i, rule) in self.rules.iter().enumerate() {
            if rule
                .tables
                .as_ref()
                .is_some_and(|t| !t.iter().any(|x| x == table))
            {
                continue;
            }
            let (original, selected) = {
                let source: &Item = as_read.as_ref().unwrap_or(item);
                let Some(original) = eval::get(source, &rule.path).cloned() else {
                    continue;
                };
                let selected = rule
                    .condition
                    .as_ref()
                    .is_none_or(|c| eval::eval(c, source));
                (original, selected)
            };
            if !selected {
                // Kept, unless an earlier rule changed the value there.
                if eval::get(item, &rule.path).is_some_and(|v| unchanged(v, &original)) {
                    self.reports[i].exposed += 1;
                }
                continue;
            }
            let text = value_text(&original);
            // One original, one output per consistency field, whichever rule or table.
            let key = self
                .consistent
                .iter()
                .find(|(p, _)| *p == rule.path)
                .map(|(_, group)| (*group, <[u8; 32]>::from(Sha256::digest(text.as_bytes()))));
            let out = match key.as_ref().and_then(|k| self.mapping.get(k)) {
                Some(v) => v.clone(),
                None => {
                    let v = transform(rule, &original, &text)
                        .map_err(|e| format!("{}: {e}", rule.label))?;
                    if let Some(k) = key {
                        self.mapping.insert(k, v.clone());
                    }
                    v
                }
            };
            if unchanged(&out, &original) {
                self.reports[i].exposed += 1;
            } else {
                self.reports[i].applied += 1;
            }
            set(item, &rule.path, out);
        }
        Ok(())
    }
}

/// True when an output still shows the original: the same value, or the same digits or
/// characters in another type (a mask of a number that kept every digit).
fn unchanged(out: &AttributeValue, original: &AttributeValue) -> bool {
    let text = |v: &AttributeValue| match v {
        AttributeValue::S(s) | AttributeValue::N(s) => Some(s.clone()),
        _ => None,
    };
    crate::model::value::same_value(out, original)
        || text(out).is_some_and(|t| Some(t) == text(original))
}

/// A value's canonical text (DynamoDB JSON), the input of hashes and the consistency map.
fn value_text(v: &AttributeValue) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Lowercase hex.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// The rule's output for a value (`text` is the value's canonical text).
fn transform(rule: &Rule, original: &AttributeValue, text: &str) -> Result<AttributeValue, String> {
    Ok(match &rule.action {
        Action::Fake(g) => {
            // Seeded by the rule's key and the original: one original, one fake.
            let mut h = Sha256::new();
            h.update(rule.fake_key);
            h.update(text.as_bytes());
            AttributeValue::S(g.make(h.finalize().into()))
        }
        Action::Mask {
            keep_last,
            mask_char,
        } => {
            let text = match original {
                AttributeValue::S(s) => s.clone(),
                AttributeValue::N(n) => n.clone(),
                _ => return Err("mask applies to strings and numbers".into()),
            };
            let n = text.chars().count();
            let masked: String = text
                .chars()
                .enumerate()
                .map(|(i, c)| if i + keep_last < n { *mask_char } else { c })
                .collect();
            AttributeValue::S(masked)
        }
        Action::Hash { salt } => AttributeValue::S(hex(&hmac_sha256(salt, text.as_bytes()))),
        Action::Redact => AttributeValue::S("[REDACTED]".into()),
        Action::Null => AttributeValue::Null(true),
    })
}

/// HMAC-SHA256 (RFC 2104).
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let pad = |b: u8| k.map(|x| x ^ b);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// Replaces the value at an existing path.
fn set(item: &mut Item, path: &Path, value: AttributeValue) {
    let mut elems = path.0.iter();
    let Some(PathElem::Attr(first)) = elems.next() else {
        return;
    };
    let Some(mut cur) = item.get_mut(first) else {
        return;
    };
    for e in elems {
        let next = match (e, cur) {
            (PathElem::Attr(a), AttributeValue::M(m)) => m.get_mut(a),
            (PathElem::Index(i), AttributeValue::L(l)) => l.get_mut(*i as usize),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    *cur = value;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> AttributeValue {
        AttributeValue::S(v.into())
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        let mac = hmac_sha256(&[0x0b; 20], b"Hi There");
        assert_eq!(
            hex(&mac),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
    }

    #[test]
    fn rules_change_values_and_report_exposure() {
        std::env::set_var("DYNOXIDE_TEST_SALT_RULES", "a-salt-of-16-bytes!");
        std::env::set_var("DYNOXIDE_TEST_SEED_RULES", "seed");
        let text = r##"
            [[rules]]
            path = "email"
            action = "fake"
            generator = "safe_email"
            seed_env = "DYNOXIDE_TEST_SEED_RULES"

            [[rules]]
            match = "kind = :person"
            path = "card"
            action = "mask"
            keep_last = 4

            [[rules]]
            path = "profile.ssn"
            action = "hash"
            salt_env = "DYNOXIDE_TEST_SALT_RULES"

            [[rules]]
            path = "#n"
            action = "redact"

            [values]
            ":person" = { S = "person" }

            [names]
            "#n" = "notes"

            [consistency]
            fields = ["email"]
        "##;
        let mut rules = Rules::parse("r.toml", text).unwrap();
        let mut item = Item::new();
        item.insert("email".into(), s("ada@corp.example"));
        item.insert("kind".into(), s("person"));
        item.insert("card".into(), s("4111111111111111"));
        item.insert("notes".into(), s("secret"));
        let mut profile = Item::new();
        profile.insert("ssn".into(), s("123-45-6789"));
        item.insert("profile".into(), AttributeValue::M(profile));
        let mut again = item.clone();
        rules.apply("t", &mut item).unwrap();
        assert_ne!(item["email"], s("ada@corp.example"));
        assert_eq!(item["card"], s("************1111"));
        assert_eq!(item["notes"], s("[REDACTED]"));
        let AttributeValue::M(p) = &item["profile"] else {
            panic!()
        };
        let AttributeValue::S(hashed) = &p["ssn"] else {
            panic!()
        };
        assert_eq!(hashed.len(), 64, "hex of HMAC-SHA256");
        // One original, one output (consistency and seeded fakes).
        rules.apply("u", &mut again).unwrap();
        assert_eq!(again["email"], item["email"]);
        // A card on an item the match does not select survives: reported as exposed.
        let mut company = Item::new();
        company.insert("kind".into(), s("company"));
        company.insert("card".into(), s("5500000000000004"));
        rules.apply("t", &mut company).unwrap();
        assert_eq!(company["card"], s("5500000000000004"));
        let mask = &rules.reports()[1];
        assert_eq!((mask.applied, mask.exposed), (2, 1));
    }

    #[test]
    fn rules_judge_the_item_as_read_and_see_masked_numbers_kept() {
        let text = r#"
            [[rules]]
            path = "kind"
            action = "redact"

            [[rules]]
            match = "kind = :person"
            path = "pin"
            action = "mask"
            keep_last = 4

            [values]
            ":person" = { S = "person" }
        "#;
        let mut rules = Rules::parse("r.toml", text).unwrap();
        let mut item = Item::new();
        item.insert("kind".into(), s("person"));
        item.insert("pin".into(), AttributeValue::N("1234".into()));
        rules.apply("t", &mut item).unwrap();
        // The match saw "person" although the first rule redacted it; the 4-digit PIN was
        // left whole by the mask: an exposure.
        assert_eq!(item["pin"], s("1234"));
        assert_eq!(rules.reports()[1].exposed, 1);
        assert_eq!(rules.reports()[1].applied, 0);
    }

    #[test]
    fn secrets_are_checked_before_any_data_and_never_shown() {
        std::env::set_var("DYNOXIDE_TEST_SHORT_SALT", "short");
        let text = r#"
            [[rules]]
            path = "ssn"
            action = "hash"
            salt_env = "DYNOXIDE_TEST_SHORT_SALT"
        "#;
        let e = Rules::parse("r.toml", text).err().unwrap();
        assert_eq!(
            e,
            "rules[1]: salt_env DYNOXIDE_TEST_SHORT_SALT is shorter than 16 bytes"
        );
        assert!(!e.contains("short\""));
        let e = Rules::parse("r.toml", &text.replace("SHORT_SALT", "UNSET_SALT_X"))
            .err()
            .unwrap();
        assert!(e.ends_with("is not set"), "{e}");
        let e = Rules::parse("r.toml", "[[rules]]\npath = \"a\"\naction = \"shred\"")
            .err()
            .unwrap();
        assert!(e.starts_with("rules[1]: unknown action \"shred\""), "{e}");
        // A TOML error names the line, never its text.
        let e = Rules::parse("r.toml", "[values]\n\":v\" = { S = \"ceo@corp.example\" \n")
            .err()
            .unwrap();
        assert!(!e.contains("ceo@corp"), "{e}");
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn consistency_groups_share_one_map_and_checks_refuse_what_matches_nothing() {
        std::env::set_var("DYNOXIDE_TEST_SALT_GROUPS", "a-salt-of-16-bytes!");
        let text = r#"
            [[rules]]
            path = "email"
            tables = ["Users"]
            action = "fake"
            generator = "safe_email"

            [[rules]]
            path = "customer_email"
            tables = ["Orders"]
            action = "hash"
            salt_env = "DYNOXIDE_TEST_SALT_GROUPS"
        "#;
        let user = |field: &str| {
            let mut item = Item::new();
            item.insert(field.into(), s("ada@corp.example"));
            item
        };
        // Without a group the two paths map the same original differently...
        let mut rules = Rules::parse("r.toml", text).unwrap();
        let (mut u, mut o) = (user("email"), user("customer_email"));
        rules.apply("Users", &mut u).unwrap();
        rules.apply("Orders", &mut o).unwrap();
        assert_ne!(u["email"], o["customer_email"]);
        // ...and with one they share a map: the join still joins.
        let grouped = format!("{text}\n[consistency]\ngroups = [[\"email\", \"customer_email\"]]");
        let mut rules = Rules::parse("r.toml", &grouped).unwrap();
        let (mut u, mut o) = (user("email"), user("customer_email"));
        rules.apply("Users", &mut u).unwrap();
        rules.apply("Orders", &mut o).unwrap();
        assert_eq!(u["email"], o["customer_email"]);
        assert_ne!(u["email"], s("ada@corp.example"));
        assert!(rules.check_tables(&["Users", "Orders"]).is_ok());
        assert_eq!(
            rules.check_tables(&["Users", "Order"]).unwrap_err(),
            "rules[2]: tables: Orders is neither in the export nor in the schema"
        );
        let stray = format!("{text}\n[consistency]\nfields = [\"mail\"]");
        assert_eq!(
            Rules::parse("r.toml", &stray).err().unwrap(),
            "consistency: mail is not the path of any rule"
        );
        let empty = format!("{text}\n[consistency]\ngroups = [[]]");
        assert_eq!(
            Rules::parse("r.toml", &empty).err().unwrap(),
            "consistency: a group names no fields"
        );
        let twice = format!("{text}\n[consistency]\nfields = [\"email\"]\ngroups = [[\"email\"]]");
        assert_eq!(
            Rules::parse("r.toml", &twice).err().unwrap(),
            "consistency: email is named twice"
        );
    }
}
