//! Data-driven parser cases (tests/cases/condition_parse.txt) and evaluator cases.

use super::*;
use serde_json::json;

fn names() -> Names {
    [("#a", "a"), ("#b", "b"), ("#data", "data"), ("#dot", "x.y")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn values() -> Item {
    serde_json::from_value(json!({
        ":s": {"S": "x"}, ":s2": {"S": "y"}, ":n": {"N": "1"}, ":n2": {"N": "5"},
        ":b": {"B": "AQI="}, ":bool": {"BOOL": true}, ":null": {"NULL": true},
        ":l": {"L": [{"S": "x"}]}, ":m": {"M": {"k": {"S": "x"}}}, ":ss": {"SS": ["x"]},
        ":t": {"S": "S"}, ":bad": {"S": "1"}
    }))
    .unwrap()
}

#[test]
fn condition_parse_cases() {
    let (n, v) = (names(), values());
    let cases = include_str!("../../tests/cases/condition_parse.txt");
    let mut count = 0;
    for line in cases.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (expr, want) = line
            .split_once(" => ")
            .unwrap_or_else(|| panic!("bad case line: {line}"));
        let expr = expr.trim_start();
        let mut ph = Placeholders::new(Some(&n), Some(&v)).unwrap();
        let got = match parse_condition(ExprKind::Condition, expr, &mut ph) {
            Ok(_) if want == "OK" => "OK".to_string(),
            Ok(c) => c.to_string(),
            Err(e) => e.message().to_string(),
        };
        assert_eq!(got, want, "expression: {expr}");
        count += 1;
    }
    assert!(count > 50, "{count} cases");
}

#[test]
fn kind_names_the_parameter() {
    let mut ph = Placeholders::new(None, None).unwrap();
    let e = parse_condition(ExprKind::Filter, "a-b", &mut ph).unwrap_err();
    assert_eq!(
        e.message(),
        "Invalid FilterExpression: Syntax error; token: \"-\", near: \"a-b\""
    );
}

#[test]
fn placeholder_maps_are_validated() {
    let empty = Names::new();
    assert_eq!(
        Placeholders::new(Some(&empty), None)
            .err()
            .unwrap()
            .message(),
        "ExpressionAttributeNames must not be empty"
    );
    let bad: Names = [("a".to_string(), "b".to_string())].into();
    assert_eq!(
        Placeholders::new(Some(&bad), None).err().unwrap().message(),
        "ExpressionAttributeNames contains invalid key: Syntax error; key: \"a\""
    );
    let vals: Item = serde_json::from_value(json!({":b": {"SS": []}})).unwrap();
    assert_eq!(
        Placeholders::new(None, Some(&vals)).err().unwrap().message(),
        "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :b"
    );
    let n = names();
    let v = values();
    let mut ph = Placeholders::new(Some(&n), Some(&v)).unwrap();
    parse_condition(ExprKind::Condition, "#a = :s", &mut ph).unwrap();
    assert_eq!(
        ph.check_unused().unwrap_err().message(),
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b, #data, #dot}"
    );
}

#[test]
fn evaluator_follows_dynamodb_semantics() {
    let item: Item = serde_json::from_value(json!({
        "s": {"S": "hello"}, "n": {"N": "10"}, "b": {"B": "AQID"}, "ss": {"SS": ["a", "b"]},
        "ns": {"NS": ["1", "2"]}, "l": {"L": [{"S": "x"}, {"N": "2"}]}, "m": {"M": {"k": {"N": "1.0"}}},
        "t": {"BOOL": true}
    }))
    .unwrap();
    let vals: Item = serde_json::from_value(json!({
        ":hel": {"S": "hel"}, ":ten": {"N": "10.0"}, ":five": {"N": "5"}, ":x": {"S": "x"},
        ":a": {"S": "a"}, ":two": {"N": "2"}, ":one": {"N": "1"}, ":N": {"S": "N"}, ":bin": {"B": "AQ=="},
        ":z": {"S": "z"}, ":ell": {"S": "ell"}
    }))
    .unwrap();
    for (expr, want) in [
        ("s = :hel", false),
        ("begins_with(s, :hel)", true),
        ("contains(s, :ell)", true),
        ("n = :ten", true),
        ("n > :five", true),
        ("n BETWEEN :five AND :ten", true),
        ("s > :five", false),
        ("s <> :five", true),
        ("absent <> :five", true),
        ("absent = :five", false),
        ("absent < :five", false),
        ("NOT absent < :five", true),
        ("contains(ss, :a)", true),
        ("contains(ns, :two)", true),
        ("contains(l, :x)", true),
        ("contains(l, :two)", true),
        ("m.k = :one", true),
        ("l[1] = :two", true),
        ("l[5] = :two", false),
        ("attribute_exists(m.k)", true),
        ("attribute_not_exists(m.z)", true),
        ("attribute_type(n, :N)", true),
        ("size(s) = :five", true),
        ("size(ss) = :two", true),
        ("begins_with(b, :bin)", true),
        ("n IN (:one, :ten)", true),
        ("s IN (:x, :z)", false),
        ("size(t) = :one", false),
    ] {
        let mut ph = Placeholders::new(None, Some(&vals)).unwrap();
        let c = parse_condition(ExprKind::Condition, expr, &mut ph).unwrap();
        assert_eq!(eval::eval(&c, &item), want, "{expr}");
    }
}

#[test]
fn deep_nesting_within_the_size_limit_does_not_crash() {
    let v = values();
    for depth in [100usize, 256, 2040] {
        let expr = format!("{}a = :s{}", "(".repeat(depth), ")".repeat(depth));
        let mut ph = Placeholders::new(None, Some(&v)).unwrap();
        let got = parse_condition(ExprKind::Condition, &expr, &mut ph);
        let want = if depth <= 256 {
            "Invalid ConditionExpression: The expression has redundant parentheses;"
        } else {
            "Invalid ConditionExpression: Syntax error; token: \"(\", near: \"(((\""
        };
        assert_eq!(got.unwrap_err().message(), want);
        let expr = format!("{}a = :s", "NOT ".repeat(depth.min(1000)));
        let c = parse_condition(ExprKind::Condition, &expr, &mut ph).unwrap();
        let item: Item = serde_json::from_value(json!({"a": {"S": "x"}})).unwrap();
        assert_eq!(eval::eval(&c, &item), depth.min(1000) % 2 == 0);
    }
}

#[test]
fn projection_cases() {
    let n = names();
    let item: Item = serde_json::from_value(json!({
        "a": {"M": {"b": {"S": "x"}, "c": {"N": "1"}}},
        "l": {"L": [{"S": "0"}, {"S": "1"}, {"S": "2"}, {"M": {"z": {"S": "deep"}}}]},
        "x.y": {"S": "dotted"}, "k": {"S": "key"}
    }))
    .unwrap();
    for (expr, want) in [
        ("k", Ok(json!({"k": {"S": "key"}}))),
        ("a.b, l[2], l[0]", Ok(json!({"a": {"M": {"b": {"S": "x"}}}, "l": {"L": [{"S": "0"}, {"S": "2"}]}}))),
        ("#dot, l[3].z, missing1", Ok(json!({"x.y": {"S": "dotted"}, "l": {"L": [{"M": {"z": {"S": "deep"}}}]}}))),
        ("a.nope", Ok(json!({}))),
        ("a, a.b", Err("Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]")),
        ("k, k", Err("Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [k], path two: [k]")),
        ("a.b, a[1]", Err("Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]")),
        ("a.b, a.c", Ok(json!({"a": {"M": {"b": {"S": "x"}, "c": {"N": "1"}}}}))),
        ("a b", Err("Invalid ProjectionExpression: Syntax error; token: \"b\", near: \"a b\"")),
        ("a,", Err("Invalid ProjectionExpression: Syntax error; token: \"<EOF>\", near: \",\"")),
        ("!!! INVALID !!!", Err("Invalid ProjectionExpression: Syntax error; token: \"!\", near: \"!!\"")),
        ("dummy-id", Err("Invalid ProjectionExpression: Syntax error; token: \"-\", near: \"dummy-id\"")),
        ("Comment", Err("Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: Comment")),
        ("#nope", Err("Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #nope")),
        ("", Err("Invalid ProjectionExpression: The expression can not be empty;")),
    ] {
        let mut ph = Placeholders::new(Some(&n), None).unwrap();
        let got = projection::parse(expr, &mut ph).map(|p| serde_json::to_value(projection::apply(&item, &p)).unwrap());
        match want {
            Ok(v) => assert_eq!(got.unwrap(), v, "{expr}"),
            Err(m) => assert_eq!(got.unwrap_err().message(), m, "{expr}"),
        }
    }
}

#[test]
fn deeply_nested_update_functions_do_not_crash() {
    let v: Item = serde_json::from_value(json!({":l": {"L": []}})).unwrap();
    let depth = 230;
    let expr = format!(
        "SET a = {}a{}",
        "list_append(".repeat(depth),
        ", :l)".repeat(depth)
    );
    let mut ph = Placeholders::new(None, Some(&v)).unwrap();
    let u = update::parse(&expr, &mut ph).unwrap();
    let item: Item = serde_json::from_value(json!({"a": {"L": [{"S": "x"}]}})).unwrap();
    let out = update::apply(&u, &item).unwrap();
    assert_eq!(
        out["a"],
        AttributeValue::L(vec![AttributeValue::S("x".into())])
    );
}

mod lowering_matches_the_reference_evaluator {
    use super::super::ir::{CmpOp, Cond, Operand, Path, PathElem};
    use super::super::{eval, lower};
    use crate::model::codec::encode_item;
    use crate::model::value::{AttributeValue as V, Item};
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = V> {
        let leaf = prop_oneof![
            prop_oneof![Just(""), Just("a"), Just("ab"), Just("b"), Just("é")]
                .prop_map(|s| V::S(s.into())),
            prop_oneof![
                Just("-1"),
                Just("0"),
                Just("1"),
                Just("1.0"),
                Just("2.5"),
                Just("10")
            ]
            .prop_map(|s| V::N(s.into())),
            prop_oneof![Just(vec![]), Just(vec![1u8]), Just(vec![1u8, 2])].prop_map(V::B),
            any::<bool>().prop_map(V::Bool),
            Just(V::Null(true)),
            Just(V::Ss(vec!["a".into(), "b".into()])),
            Just(V::Ns(vec!["1".into(), "2".into()])),
        ];
        leaf.prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..3).prop_map(V::L),
                proptest::collection::btree_map(
                    prop_oneof![Just("x".to_string()), Just("y".to_string())],
                    inner,
                    0..3
                )
                .prop_map(V::M),
            ]
        })
    }

    fn path() -> impl Strategy<Value = Path> {
        prop_oneof![
            Just(Path::attr("a")),
            Just(Path::attr("b")),
            Just(Path::attr("missing")),
            Just(Path(vec![
                PathElem::Attr("a".into()),
                PathElem::Attr("x".into())
            ])),
            Just(Path(vec![PathElem::Attr("b".into()), PathElem::Index(0)])),
            Just(Path(vec![PathElem::Attr("b".into()), PathElem::Index(1)])),
        ]
    }

    fn operand() -> impl Strategy<Value = Operand> {
        prop_oneof![
            path().prop_map(Operand::Path),
            value().prop_map(Operand::Value),
            path().prop_map(Operand::Size),
        ]
    }

    fn cond() -> impl Strategy<Value = Cond> {
        let op = prop_oneof![
            Just(CmpOp::Eq),
            Just(CmpOp::Ne),
            Just(CmpOp::Lt),
            Just(CmpOp::Le),
            Just(CmpOp::Gt),
            Just(CmpOp::Ge)
        ];
        let leaf = prop_oneof![
            (op, operand(), operand()).prop_map(|(o, a, b)| Cond::Cmp(o, a, b)),
            (operand(), operand(), operand()).prop_map(|(a, b, c)| Cond::Between(a, b, c)),
            (operand(), proptest::collection::vec(operand(), 1..3))
                .prop_map(|(a, l)| Cond::In(a, l)),
            path().prop_map(Cond::Exists),
            path().prop_map(Cond::NotExists),
            (
                path(),
                prop_oneof![Just("S"), Just("N"), Just("M"), Just("L"), Just("BOOL")]
            )
                .prop_map(|(p, t)| Cond::AttrType(p, Operand::Value(V::S(t.into())))),
            (operand(), operand()).prop_map(|(a, b)| Cond::BeginsWith(a, b)),
            (operand(), operand()).prop_map(|(a, b)| Cond::Contains(a, b)),
        ];
        leaf.prop_recursive(3, 16, 3, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 2..3).prop_map(Cond::And),
                proptest::collection::vec(inner.clone(), 2..3).prop_map(Cond::Or),
                inner.prop_map(|c| Cond::Not(Box::new(c))),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn same_answer(a in value(), b in value(), c in cond()) {
            let item: Item = [("a".to_string(), a), ("b".to_string(), b)].into();
            let conn = rusqlite::Connection::open_in_memory().unwrap();
            crate::sqlfuncs::register(&conn).unwrap();
            let enc = encode_item(&item).unwrap();
            let l = lower::lower(&c).unwrap();
            let sql = format!("SELECT {} FROM (SELECT ?1 AS item)", l.sql(2));
            let mut params = vec![rusqlite::types::Value::Blob(enc.bytes)];
            params.extend(l.params.iter().cloned());
            let got: i64 = conn.query_row(&sql, rusqlite::params_from_iter(params), |r| r.get(0)).unwrap();
            prop_assert_eq!(got == 1, eval::eval(&c, &item), "{} on {:?}", c, item);
            // The optimiser never changes an answer.
            let o = crate::expr::optimize::optimize(c.clone());
            prop_assert_eq!(eval::eval(&o, &item), eval::eval(&c, &item), "{} became {}", c, o);
            // And the SQL that runs, the optimised condition's, gives the same answer.
            let l = lower::lower(&o).unwrap();
            let sql = format!("SELECT {} FROM (SELECT ?1 AS item)", l.sql(2));
            let mut params = vec![rusqlite::types::Value::Blob(encode_item(&item).unwrap().bytes)];
            params.extend(l.params.iter().cloned());
            let got: i64 = conn.query_row(&sql, rusqlite::params_from_iter(params), |r| r.get(0)).unwrap();
            prop_assert_eq!(got == 1, eval::eval(&c, &item), "optimised {} on {:?}", o, item);
        }
    }
}
