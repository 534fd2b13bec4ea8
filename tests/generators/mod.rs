//! Expression-tree generators shared by `tests/properties.rs` and the `structured_expression`
//! fuzz target (`fuzz/fuzz_targets/structured_expression.rs` includes this file by path).
//!
//! Both generators are driven by a byte string ([`Src`]): proptest feeds random bytes, libFuzzer
//! feeds its mutated inputs. When the bytes run out every choice is 0, which always picks a leaf,
//! so generation terminates; a depth bound keeps trees small.
//!
//! - [`any_expr`] builds syntactically varied trees in the image of the parser (what the parser
//!   can produce), for the print → parse round trip.
//! - [`bool_expr`] builds well-typed `bool` conditions over the certificate context (the surface
//!   `src/expr/lib` implements), for compile → evaluate.
#![allow(dead_code)]

use apim_policy::diagnostic::Span;
use apim_policy::expr::ast::{
    ArgModifier, Argument, AssignOp, BinaryOp, Expr, ExprKind, Ident, Initializer,
    InterpolationPart, LambdaBody, LambdaParam, Literal, MemberInit, MemberInitTarget, TypeRef,
    UnaryOp,
};

/// A source of choices read from bytes; 0 forever once the bytes are used up.
pub struct Src<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Src<'a> {
    /// Choices from `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    /// The next byte (0 once exhausted).
    pub fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos = self.pos.saturating_add(1);
        b
    }

    /// A choice in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        let v = u16::from_le_bytes([self.byte(), self.byte()]);
        usize::from(v) % n
    }

    /// Whether the bytes are used up.
    pub fn exhausted(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// One of `items` (the first when exhausted).
    pub fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }
}

const S: Span = Span::new(0, 0);

fn ident(name: &str) -> Ident {
    Ident {
        name: name.to_owned(),
        span: S,
    }
}

fn e(kind: ExprKind) -> Expr {
    Expr { kind, span: S }
}

fn bx(x: Expr) -> Box<Expr> {
    Box::new(x)
}

// ---------------------------------------------------------------------------------------------
// Syntactic generator (round trip)
// ---------------------------------------------------------------------------------------------

/// Names that can stand alone as an expression (verbatim `@if`, `@class` print as `@name`).
const NAMES: &[&str] = &[
    "x", "y", "context", "Foo", "var", "when", "nameof", "if", "class", "_a1", "Ünï",
];
const MEMBERS: &[&str] = &["Length", "Request", "Value", "As", "Any", "in", "Name"];
const TYPE_NAMES: &[&str] = &[
    "string", "int", "bool", "Foo", "JObject", "DateTime", "object",
];
const CHARS: &[char] = &[
    'a', 'Z', ' ', '"', '\'', '\\', '\n', '\t', '\0', '{', '}', '@', 'é', '\u{7f}', '\u{2028}',
    '€', '😀',
];

fn any_text(src: &mut Src) -> String {
    let n = src.below(6);
    (0..n).map(|_| src.pick(CHARS)).collect()
}

/// A written type. `depth` bounds generic-argument nesting.
pub fn any_type(src: &mut Src, depth: u32) -> TypeRef {
    let mut path = vec![ident(src.pick(TYPE_NAMES))];
    // Dotted only for non-keyword heads.
    if !is_type_keyword(&path[0].name) && src.below(4) == 0 {
        path.push(ident(src.pick(&["Text", "Inner"])));
    }
    let mut type_args = Vec::new();
    if depth > 0 && !is_type_keyword(&path[0].name) && src.below(4) == 0 {
        for _ in 0..=src.below(2) {
            type_args.push(any_type(src, depth - 1));
        }
    }
    let nullable = src.below(5) == 0;
    let mut array_ranks = Vec::new();
    if src.below(5) == 0 {
        array_ranks.push(1 + src.below(2) as u8);
    }
    TypeRef {
        path,
        type_args,
        nullable,
        array_ranks,
        span: S,
    }
}

fn is_type_keyword(name: &str) -> bool {
    matches!(name, "string" | "int" | "bool" | "object")
}

fn any_literal(src: &mut Src) -> Literal {
    match src.below(11) {
        0 => Literal::Int(src.below(1000) as i32),
        1 => Literal::Null,
        2 => Literal::Bool(src.below(2) == 0),
        3 => Literal::Long(src.below(100) as i64),
        4 => Literal::UInt(src.below(100) as u32),
        5 => Literal::ULong(src.below(100) as u64),
        6 => Literal::Double(src.below(1000) as f64 / 8.0),
        7 => Literal::Float(src.below(1000) as f32 / 4.0),
        8 => Literal::Decimal(format!("{}.{}", src.below(100), src.below(100))),
        // A C# char is one UTF-16 code unit: no astral characters.
        9 => match src.pick(CHARS) {
            c if u32::from(c) > 0xFFFF => Literal::Char('x'),
            c => Literal::Char(c),
        },
        _ => Literal::String(any_text(src)),
    }
}

const UNARY: &[UnaryOp] = &[
    UnaryOp::Not,
    UnaryOp::Negate,
    UnaryOp::Plus,
    UnaryOp::BitwiseNot,
    UnaryOp::PreIncrement,
    UnaryOp::PreDecrement,
    UnaryOp::PostIncrement,
    UnaryOp::PostDecrement,
];

const BINARY: &[BinaryOp] = &[
    BinaryOp::Multiply,
    BinaryOp::Divide,
    BinaryOp::Remainder,
    BinaryOp::Add,
    BinaryOp::Subtract,
    BinaryOp::ShiftLeft,
    BinaryOp::ShiftRight,
    BinaryOp::Less,
    BinaryOp::Greater,
    BinaryOp::LessOrEqual,
    BinaryOp::GreaterOrEqual,
    BinaryOp::Equal,
    BinaryOp::NotEqual,
    BinaryOp::BitwiseAnd,
    BinaryOp::BitwiseXor,
    BinaryOp::BitwiseOr,
    BinaryOp::And,
    BinaryOp::Or,
    BinaryOp::Coalesce,
];

/// A name or a member access: something that can be called, assigned, indexed.
fn any_place(src: &mut Src, depth: u32) -> Expr {
    let name = e(ExprKind::Name(ident(src.pick(NAMES))));
    if depth == 0 || src.below(2) == 0 {
        return name;
    }
    e(ExprKind::Member {
        target: bx(any_place(src, depth - 1)),
        name: ident(src.pick(MEMBERS)),
        type_args: Vec::new(),
        null_conditional: src.below(3) == 0,
    })
}

fn any_args(src: &mut Src, depth: u32) -> Vec<Argument> {
    (0..src.below(3))
        .map(|_| {
            if src.below(6) == 0 {
                let ty = if src.below(2) == 0 {
                    None
                } else {
                    Some(any_type(src, 1))
                };
                Argument {
                    name: None,
                    modifier: Some(ArgModifier::Out),
                    value: e(ExprKind::OutDeclaration {
                        ty,
                        name: ident(src.pick(&["a", "b"])),
                    }),
                }
            } else {
                Argument {
                    name: if src.below(5) == 0 {
                        Some(ident(src.pick(&["p", "q"])))
                    } else {
                        None
                    },
                    modifier: None,
                    value: any_expr(src, depth),
                }
            }
        })
        .collect()
}

/// A syntactically varied expression tree the parser can produce, `depth` levels at most.
pub fn any_expr(src: &mut Src, depth: u32) -> Expr {
    if depth == 0 || src.exhausted() {
        return match src.below(2) {
            0 => e(ExprKind::Literal(any_literal(src))),
            _ => e(ExprKind::Name(ident(src.pick(NAMES)))),
        };
    }
    let d = depth - 1;
    match src.below(22) {
        0 => e(ExprKind::Literal(any_literal(src))),
        1 => e(ExprKind::Name(ident(src.pick(NAMES)))),
        2 => e(ExprKind::Member {
            target: bx(any_expr(src, d)),
            name: ident(src.pick(MEMBERS)),
            type_args: Vec::new(),
            null_conditional: src.below(3) == 0,
        }),
        3 => {
            let callee = match src.below(3) {
                0 => e(ExprKind::Name(ident(src.pick(NAMES)))),
                1 => e(ExprKind::GenericName {
                    name: ident(src.pick(NAMES)),
                    type_args: vec![any_type(src, 1)],
                }),
                _ => e(ExprKind::Member {
                    target: bx(any_expr(src, d)),
                    name: ident(src.pick(MEMBERS)),
                    type_args: if src.below(3) == 0 {
                        vec![any_type(src, 1)]
                    } else {
                        Vec::new()
                    },
                    null_conditional: src.below(3) == 0,
                }),
            };
            e(ExprKind::Call {
                callee: bx(callee),
                args: any_args(src, d),
            })
        }
        4 => e(ExprKind::Index {
            target: bx(any_expr(src, d)),
            args: (0..=src.below(2)).map(|_| any_expr(src, d)).collect(),
            null_conditional: src.below(3) == 0,
        }),
        5 => {
            let op = src.pick(UNARY);
            let operand = match op {
                UnaryOp::PreIncrement
                | UnaryOp::PreDecrement
                | UnaryOp::PostIncrement
                | UnaryOp::PostDecrement => any_place(src, d),
                _ => any_expr(src, d),
            };
            e(ExprKind::Unary {
                op,
                operand: bx(operand),
            })
        }
        6..=8 => e(ExprKind::Binary {
            op: src.pick(BINARY),
            left: bx(any_expr(src, d)),
            right: bx(any_expr(src, d)),
        }),
        9 => e(ExprKind::Conditional {
            condition: bx(any_expr(src, d)),
            when_true: bx(any_expr(src, d)),
            when_false: bx(any_expr(src, d)),
        }),
        10 => e(ExprKind::Assign {
            op: if src.below(2) == 0 {
                AssignOp::Assign
            } else {
                AssignOp::Compound(src.pick(&[
                    BinaryOp::Add,
                    BinaryOp::Multiply,
                    BinaryOp::Coalesce,
                ]))
            },
            target: bx(any_place(src, d)),
            value: bx(any_expr(src, d)),
        }),
        11 => {
            let typed = src.below(3) == 0;
            let params = (0..src.below(3))
                .map(|i| LambdaParam {
                    ty: if typed { Some(any_type(src, 0)) } else { None },
                    name: ident(["a", "b", "c"][i]),
                })
                .collect();
            e(ExprKind::Lambda {
                params,
                body: LambdaBody::Expr(bx(any_expr(src, d))),
            })
        }
        12 => e(ExprKind::Cast {
            ty: any_type(src, 1),
            operand: bx(any_expr(src, d)),
        }),
        13 => {
            let operand = bx(any_expr(src, d));
            let mut ty = any_type(src, 1);
            let binding = if src.below(2) == 0 {
                // C# forbids a nullable type in a declaration pattern (CS8116).
                ty.nullable = false;
                Some(ident("v"))
            } else {
                None
            };
            e(ExprKind::Is {
                operand,
                ty,
                binding,
            })
        }
        14 => e(ExprKind::As {
            operand: bx(any_expr(src, d)),
            ty: any_type(src, 1),
        }),
        15 => e(ExprKind::TypeOf(any_type(src, 1))),
        16 => e(ExprKind::Default(if src.below(2) == 0 {
            Some(any_type(src, 1))
        } else {
            None
        })),
        17 => {
            let mut ty = any_type(src, 1);
            ty.array_ranks.clear();
            let initializer = match src.below(3) {
                0 => None,
                1 => Some(Initializer::Collection(
                    (0..src.below(3))
                        .map(|_| (0..=src.below(2)).map(|_| any_expr(src, d)).collect())
                        .collect(),
                )),
                // An empty `{ }` reads back as an empty collection initialiser.
                _ => Some(Initializer::Object(
                    (0..=src.below(2))
                        .map(|_| MemberInit {
                            target: if src.below(2) == 0 {
                                MemberInitTarget::Member(ident(src.pick(&["A", "B"])))
                            } else {
                                MemberInitTarget::Index(vec![any_expr(src, d)])
                            },
                            value: any_expr(src, d),
                        })
                        .collect(),
                )),
            };
            e(ExprKind::New {
                ty: Some(ty),
                args: any_args(src, d),
                initializer,
            })
        }
        18 => {
            let mut ty = any_type(src, 1);
            if ty.array_ranks.is_empty() {
                ty.array_ranks.push(1);
            }
            let sized = src.below(2) == 0;
            let args = if sized {
                (0..*ty.array_ranks.first().unwrap_or(&1))
                    .map(|_| Argument {
                        name: None,
                        modifier: None,
                        value: any_expr(src, d),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let initializer = if !sized || src.below(2) == 0 {
                Some(Initializer::Collection(
                    (0..src.below(3)).map(|_| vec![any_expr(src, d)]).collect(),
                ))
            } else {
                None
            };
            e(ExprKind::New {
                ty: Some(ty),
                args,
                initializer,
            })
        }
        19 => e(ExprKind::New {
            ty: None,
            args: Vec::new(),
            initializer: Some(Initializer::Collection(
                (0..=src.below(3)).map(|_| vec![any_expr(src, d)]).collect(),
            )),
        }),
        20 => {
            let mut parts = Vec::new();
            for i in 0..src.below(4) {
                // Two adjacent texts read back as one: alternate.
                if i % 2 == 0 {
                    let t = any_text(src);
                    if !t.is_empty() {
                        parts.push(InterpolationPart::Text(t));
                    }
                } else {
                    parts.push(InterpolationPart::Hole {
                        value: any_expr(src, d),
                        alignment: if src.below(3) == 0 {
                            Some(e(ExprKind::Literal(Literal::Int(src.below(20) as i32))))
                        } else {
                            None
                        },
                        format: if src.below(3) == 0 {
                            Some(src.pick(&["F2", "X", "yyyy-MM-dd"]).to_owned())
                        } else {
                            None
                        },
                    });
                }
            }
            e(ExprKind::Interpolated(parts))
        }
        _ => e(ExprKind::GenericName {
            name: ident(src.pick(NAMES)),
            type_args: vec![any_type(src, 1)],
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Typed generator (evaluation)
// ---------------------------------------------------------------------------------------------

fn name(n: &str) -> Expr {
    e(ExprKind::Name(ident(n)))
}

fn member(target: Expr, n: &str) -> Expr {
    e(ExprKind::Member {
        target: bx(target),
        name: ident(n),
        type_args: Vec::new(),
        null_conditional: false,
    })
}

fn call(target: Expr, method: &str, args: Vec<Expr>) -> Expr {
    e(ExprKind::Call {
        callee: bx(member(target, method)),
        args: args
            .into_iter()
            .map(|value| Argument {
                name: None,
                modifier: None,
                value,
            })
            .collect(),
    })
}

fn bin(op: BinaryOp, l: Expr, r: Expr) -> Expr {
    e(ExprKind::Binary {
        op,
        left: bx(l),
        right: bx(r),
    })
}

fn not(x: Expr) -> Expr {
    e(ExprKind::Unary {
        op: UnaryOp::Not,
        operand: bx(x),
    })
}

fn string_lit(s: &str) -> Expr {
    e(ExprKind::Literal(Literal::String(s.to_owned())))
}

/// `context.Request.Certificate`.
pub fn request_certificate() -> Expr {
    member(member(name("context"), "Request"), "Certificate")
}

/// `context.Deployment.Certificates`.
pub fn deployment_certificates() -> Expr {
    member(member(name("context"), "Deployment"), "Certificates")
}

/// Scope of the typed generator: the lambda parameter in scope, if any.
#[derive(Clone, Copy)]
pub struct Scope {
    /// Name of the `KeyValuePair<string, X509Certificate2>` lambda parameter in scope.
    pub pair: Option<&'static str>,
}

fn certificate(src: &mut Src, scope: Scope) -> Expr {
    match (scope.pair, src.below(2)) {
        (Some(p), 1) => member(name(p), "Value"),
        _ => request_certificate(),
    }
}

const STRING_MEMBERS: &[&str] = &["Subject", "Issuer", "Thumbprint", "SerialNumber"];
const STRING_LITERALS: &[&str] = &[
    "",
    " ",
    "CN=Good Client, O=Test PKI",
    "trusted-issuer",
    "DESIRED-THUMBPRINT-IN-UPPER-CASE",
    "abc",
    "é😀",
];

/// A well-typed `string` expression.
pub fn string_expr(src: &mut Src, depth: u32, scope: Scope) -> Expr {
    if depth == 0 || src.exhausted() {
        return match src.below(3) {
            0 => string_lit(src.pick(STRING_LITERALS)),
            _ => member(certificate(src, scope), src.pick(STRING_MEMBERS)),
        };
    }
    let d = depth - 1;
    match src.below(10) {
        0 => string_lit(src.pick(STRING_LITERALS)),
        1 => member(certificate(src, scope), src.pick(STRING_MEMBERS)),
        2 => member(
            member(
                certificate(src, scope),
                src.pick(&["SubjectName", "IssuerName"]),
            ),
            "Name",
        ),
        3 => {
            let m = src.pick(&[
                "ToUpper",
                "ToLower",
                "ToUpperInvariant",
                "ToLowerInvariant",
                "Trim",
                "ToString",
            ]);
            call(string_expr(src, d, scope), m, Vec::new())
        }
        4 => bin(
            BinaryOp::Add,
            string_expr(src, d, scope),
            string_expr(src, d, scope),
        ),
        5 => bin(
            BinaryOp::Coalesce,
            string_expr(src, d, scope),
            string_expr(src, d, scope),
        ),
        6 => e(ExprKind::Conditional {
            condition: bx(bool_expr(src, d, scope)),
            when_true: bx(string_expr(src, d, scope)),
            when_false: bx(string_expr(src, d, scope)),
        }),
        7 => member(name("string"), "Empty"),
        8 => match scope.pair {
            Some(p) => member(name(p), "Key"),
            None => string_lit(src.pick(STRING_LITERALS)),
        },
        // `cert?.Subject ?? ""`: the `??` ends the null-conditional chain, so members read
        // from this expression are not lifted (`cert?.Subject.Length` would be `int?`).
        _ => bin(
            BinaryOp::Coalesce,
            e(ExprKind::Member {
                target: bx(certificate(src, scope)),
                name: ident(src.pick(STRING_MEMBERS)),
                type_args: Vec::new(),
                null_conditional: true,
            }),
            string_lit(""),
        ),
    }
}

/// A well-typed `int` expression.
pub fn int_expr(src: &mut Src, depth: u32, scope: Scope) -> Expr {
    if depth == 0 || src.exhausted() {
        return e(ExprKind::Literal(Literal::Int(src.below(5) as i32)));
    }
    let d = depth - 1;
    match src.below(6) {
        0 => e(ExprKind::Literal(Literal::Int(src.below(100) as i32))),
        1 => member(string_expr(src, d, scope), "Length"),
        2 => member(deployment_certificates(), "Count"),
        3 => member(certificate(src, scope), "Version"),
        4 => bin(
            src.pick(&[
                BinaryOp::Add,
                BinaryOp::Subtract,
                BinaryOp::Multiply,
                BinaryOp::Divide,
                BinaryOp::Remainder,
            ]),
            int_expr(src, d, scope),
            int_expr(src, d, scope),
        ),
        _ => e(ExprKind::Unary {
            op: UnaryOp::Negate,
            operand: bx(int_expr(src, d, scope)),
        }),
    }
}

fn datetime_expr(src: &mut Src, scope: Scope) -> Expr {
    match src.below(3) {
        0 => member(
            certificate(src, scope),
            src.pick(&["NotBefore", "NotAfter"]),
        ),
        1 => member(name("DateTime"), "UtcNow"),
        _ => member(name("DateTime"), "Now"),
    }
}

const COMPARISONS: &[BinaryOp] = &[
    BinaryOp::Less,
    BinaryOp::Greater,
    BinaryOp::LessOrEqual,
    BinaryOp::GreaterOrEqual,
    BinaryOp::Equal,
    BinaryOp::NotEqual,
];

/// A well-typed `bool` expression over the certificate context.
pub fn bool_expr(src: &mut Src, depth: u32, scope: Scope) -> Expr {
    if depth == 0 || src.exhausted() {
        return match src.below(4) {
            0 => e(ExprKind::Literal(Literal::Bool(src.below(2) == 0))),
            1 => bin(
                BinaryOp::Equal,
                certificate(src, scope),
                e(ExprKind::Literal(Literal::Null)),
            ),
            2 => call(certificate(src, scope), "Verify", Vec::new()),
            _ => call(certificate(src, scope), "VerifyNoRevocation", Vec::new()),
        };
    }
    let d = depth - 1;
    match src.below(14) {
        0 => e(ExprKind::Literal(Literal::Bool(src.below(2) == 0))),
        1 => not(bool_expr(src, d, scope)),
        2 => bin(
            BinaryOp::And,
            bool_expr(src, d, scope),
            bool_expr(src, d, scope),
        ),
        3 => bin(
            BinaryOp::Or,
            bool_expr(src, d, scope),
            bool_expr(src, d, scope),
        ),
        4 => bin(
            src.pick(&[BinaryOp::Equal, BinaryOp::NotEqual]),
            string_expr(src, d, scope),
            string_expr(src, d, scope),
        ),
        5 => bin(
            src.pick(&[BinaryOp::Equal, BinaryOp::NotEqual]),
            certificate(src, scope),
            e(ExprKind::Literal(Literal::Null)),
        ),
        6 => call(
            certificate(src, scope),
            src.pick(&["Verify", "VerifyNoRevocation"]),
            Vec::new(),
        ),
        7 => {
            let m = src.pick(&["Contains", "StartsWith", "EndsWith", "Equals"]);
            call(
                string_expr(src, d, scope),
                m,
                vec![string_expr(src, d, scope)],
            )
        }
        8 => {
            let m = src.pick(&["IsNullOrEmpty", "IsNullOrWhiteSpace"]);
            call(name("string"), m, vec![string_expr(src, d, scope)])
        }
        9 => bin(
            src.pick(COMPARISONS),
            int_expr(src, d, scope),
            int_expr(src, d, scope),
        ),
        10 => bin(
            src.pick(COMPARISONS),
            datetime_expr(src, scope),
            datetime_expr(src, scope),
        ),
        11 | 12 if scope.pair.is_none() => {
            let p = "c";
            let body = bool_expr(src, d, Scope { pair: Some(p) });
            e(ExprKind::Call {
                callee: bx(member(deployment_certificates(), src.pick(&["Any", "All"]))),
                args: vec![Argument {
                    name: None,
                    modifier: None,
                    value: e(ExprKind::Lambda {
                        params: vec![LambdaParam {
                            ty: None,
                            name: ident(p),
                        }],
                        body: LambdaBody::Expr(bx(body)),
                    }),
                }],
            })
        }
        _ => e(ExprKind::Conditional {
            condition: bx(bool_expr(src, d, scope)),
            when_true: bx(bool_expr(src, d, scope)),
            when_false: bx(bool_expr(src, d, scope)),
        }),
    }
}

/// Replaces every `Span { start: N, end: M }` in a `Debug` rendering with `Span`, so trees can be
/// compared modulo positions.
pub fn strip_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(i) = rest.find("Span {") {
        out.push_str(&rest[..i]);
        out.push_str("Span");
        match rest[i..].find('}') {
            Some(j) => rest = &rest[i + j + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}
