//! The syntax tree of APIM policy expressions (the C# 7 subset), as the parser produces it.
//!
//! Every node carries a [`Span`] of byte offsets into the expression text handed to the parser
//! (the text between `@(` and `)`, or between `@{` and `}`); the policy layer maps those offsets
//! back to the original policy text. Nothing here is resolved: names are plain identifiers and
//! types are written type references. `compile` turns this into a typed program.

use crate::diagnostic::Span;

/// An identifier with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    /// The identifier as written (a leading `@` of a verbatim identifier removed).
    pub name: String,
    /// Where it stands.
    pub span: Span,
}

/// A written type: `string`, `JObject`, `List<string>`, `System.Text.Encoding`, `int?`, `byte[]`.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeRef {
    /// The dotted name: `["System", "Text", "Encoding"]`, or one keyword such as `["string"]`.
    pub path: Vec<Ident>,
    /// Generic arguments: `List<string>` has one.
    pub type_args: Vec<TypeRef>,
    /// `T?`.
    pub nullable: bool,
    /// Array ranks, outermost first: `byte[]` is `[1]`, `int[,]` is `[2]`, `string[][]` is `[1, 1]`.
    pub array_ranks: Vec<u8>,
    /// Where it stands.
    pub span: Span,
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `null`
    Null,
    /// `true`, `false`
    Bool(bool),
    /// An integer literal that fits `int` and has no suffix.
    Int(i32),
    /// `L` suffix, or an unsuffixed literal too large for `int` (C# picks uint, long, ulong in turn).
    Long(i64),
    /// `U` suffix or an unsuffixed literal in uint range that does not fit int.
    UInt(u32),
    /// `UL` suffix or an unsuffixed literal beyond long.
    ULong(u64),
    /// A real literal without suffix or with `D`.
    Double(f64),
    /// `F` suffix.
    Float(f32),
    /// `M` suffix, kept as written (digits, optional `.` and exponent) for exact decimal arithmetic.
    Decimal(String),
    /// `'c'` with escapes resolved.
    Char(char),
    /// `"..."` or `@"..."` with escapes resolved.
    String(String),
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `!`
    Not,
    /// `-`
    Negate,
    /// `+`
    Plus,
    /// `~`
    BitwiseNot,
    /// `++x`
    PreIncrement,
    /// `--x`
    PreDecrement,
    /// `x++`
    PostIncrement,
    /// `x--`
    PostDecrement,
}

/// Infix operators, C# precedence handled by the parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `*`
    Multiply,
    /// `/`
    Divide,
    /// `%`
    Remainder,
    /// `+`
    Add,
    /// `-`
    Subtract,
    /// `<<`
    ShiftLeft,
    /// `>>`
    ShiftRight,
    /// `<`
    Less,
    /// `>`
    Greater,
    /// `<=`
    LessOrEqual,
    /// `>=`
    GreaterOrEqual,
    /// `==`
    Equal,
    /// `!=`
    NotEqual,
    /// `&`
    BitwiseAnd,
    /// `^`
    BitwiseXor,
    /// `|`
    BitwiseOr,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `??`
    Coalesce,
}

/// Assignment operators (`=`, `+=`, ...), used in blocks and lambda bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignOp {
    /// `=`
    Assign,
    /// `op=`: the binary operator applied.
    Compound(BinaryOp),
}

/// `out` / `ref` / `in` on an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgModifier {
    /// `out`
    Out,
    /// `ref`
    Ref,
    /// `in`
    In,
}

/// One argument of a call or `new`.
#[derive(Debug, Clone, PartialEq)]
pub struct Argument {
    /// `name:` for a named argument.
    pub name: Option<Ident>,
    /// `out`/`ref`/`in`.
    pub modifier: Option<ArgModifier>,
    /// The value; for `out var x` / `out string x` it is [`ExprKind::OutDeclaration`].
    pub value: Expr,
}

/// A lambda parameter: `c`, or `(string c)`.
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaParam {
    /// Declared type, if written.
    pub ty: Option<TypeRef>,
    /// Parameter name.
    pub name: Ident,
}

/// The body of a lambda.
#[derive(Debug, Clone, PartialEq)]
pub enum LambdaBody {
    /// `x => expr`
    Expr(Box<Expr>),
    /// `x => { statements }`
    Block(Block),
}

/// Part of an interpolated string `$"a{b,5:F2}c"`.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // added by the parser work: clippy -D warnings failed here
pub enum InterpolationPart {
    /// Literal text with escapes (and `{{`/`}}`) resolved.
    Text(String),
    /// `{expr[,alignment][:format]}`
    Hole {
        /// The expression.
        value: Expr,
        /// `,alignment`
        alignment: Option<Expr>,
        /// `:format`, as written.
        format: Option<String>,
    },
}

/// An object or collection initialiser after `new T(...)`.
#[derive(Debug, Clone, PartialEq)]
pub enum Initializer {
    /// `{ a, b, c }` or `{ { k, v }, { k2, v2 } }` (each element a list of one or more values).
    Collection(Vec<Vec<Expr>>),
    /// `{ Name = v, ["key"] = v }`
    Object(Vec<MemberInit>),
}

/// One entry of an object initialiser.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberInit {
    /// The member assigned.
    pub target: MemberInitTarget,
    /// The value.
    pub value: Expr,
}

/// What an object initialiser entry assigns to.
#[derive(Debug, Clone, PartialEq)]
pub enum MemberInitTarget {
    /// `Name = v`
    Member(Ident),
    /// `["key"] = v`
    Index(Vec<Expr>),
}

/// An expression node.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it stands.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A literal.
    Literal(Literal),
    /// A simple name: `context`, a local, a lambda parameter, or a type name such as `Math` or
    /// `string` (keyword type names such as `string`, `int` appear here too, in front of `.`).
    Name(Ident),
    /// A simple name with generic arguments that is then called: only as the target of [`ExprKind::Call`].
    GenericName {
        /// The name.
        name: Ident,
        /// `<...>`
        type_args: Vec<TypeRef>,
    },
    /// `target.name` or `target?.name`.
    Member {
        /// What the member is read from.
        target: Box<Expr>,
        /// The member.
        name: Ident,
        /// Generic arguments written on the member (`x.As<JObject>`), empty if none.
        type_args: Vec<TypeRef>,
        /// `?.`
        null_conditional: bool,
    },
    /// `callee(args)`: callee is a `Name`, `GenericName` or `Member`.
    Call {
        /// What is called.
        callee: Box<Expr>,
        /// The arguments.
        args: Vec<Argument>,
    },
    /// `target[args]` or `target?[args]`.
    Index {
        /// What is indexed.
        target: Box<Expr>,
        /// The index arguments.
        args: Vec<Expr>,
        /// `?[`
        null_conditional: bool,
    },
    /// A prefix or postfix operator.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// Its operand.
        operand: Box<Expr>,
    },
    /// An infix operator.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// `condition ? when_true : when_false`
    Conditional {
        /// The test.
        condition: Box<Expr>,
        /// Value when true.
        when_true: Box<Expr>,
        /// Value when false.
        when_false: Box<Expr>,
    },
    /// `target = value`, `target += value`, ...
    Assign {
        /// The operator.
        op: AssignOp,
        /// What is assigned to.
        target: Box<Expr>,
        /// The value.
        value: Box<Expr>,
    },
    /// `x => ...`, `(x, y) => ...`, `() => ...`
    Lambda {
        /// Parameters.
        params: Vec<LambdaParam>,
        /// Body.
        body: LambdaBody,
    },
    /// `(T)operand`
    Cast {
        /// Target type.
        ty: TypeRef,
        /// Operand.
        operand: Box<Expr>,
    },
    /// `operand is T` or `operand is T name`
    Is {
        /// Operand.
        operand: Box<Expr>,
        /// Type tested.
        ty: TypeRef,
        /// Pattern variable, if declared.
        binding: Option<Ident>,
    },
    /// `operand as T`
    As {
        /// Operand.
        operand: Box<Expr>,
        /// Target type.
        ty: TypeRef,
    },
    /// `typeof(T)`
    TypeOf(TypeRef),
    /// `default(T)`, or `default` with no type.
    Default(Option<TypeRef>),
    /// `new T(args) { init }`, `new T[n]`, `new[] { ... }`, `new { A = 1 }` is not supported.
    New {
        /// The type; for `new[] {...}` this is `None`.
        ty: Option<TypeRef>,
        /// Constructor arguments (or array sizes for `new T[n]`).
        args: Vec<Argument>,
        /// The initialiser, if any.
        initializer: Option<Initializer>,
    },
    /// `$"..."` / `$@"..."`.
    Interpolated(Vec<InterpolationPart>),
    /// `out var x` / `out T x` as an argument.
    OutDeclaration {
        /// Declared type; `None` for `var`.
        ty: Option<TypeRef>,
        /// The new local.
        name: Ident,
    },
    /// `checked(expr)` (`checked: true`) or `unchecked(expr)`.
    Checked {
        /// `checked` rather than `unchecked`.
        checked: bool,
        /// The expression whose integer arithmetic is (un)checked.
        operand: Box<Expr>,
    },
}

/// A `{ ... }` statement list.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// The statements in order.
    pub statements: Vec<Stmt>,
    /// Where it stands (braces included where there are braces).
    pub span: Span,
}

/// One declared local in a declaration statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Declarator {
    /// The name.
    pub name: Ident,
    /// `= value`
    pub init: Option<Expr>,
}

/// A `catch (T name) when (filter) { ... }` clause.
#[derive(Debug, Clone, PartialEq)]
pub struct CatchClause {
    /// The exception type; `None` for a bare `catch`.
    pub ty: Option<TypeRef>,
    /// The bound name.
    pub name: Option<Ident>,
    /// `when (...)`
    pub filter: Option<Expr>,
    /// The handler.
    pub body: Block,
}

/// A `case` label of a `switch`.
#[derive(Debug, Clone, PartialEq)]
pub enum SwitchLabel {
    /// `case expr:`
    Case(Expr),
    /// `case T name:` (type pattern), with an optional `when` guard.
    Pattern {
        /// The type.
        ty: TypeRef,
        /// The bound name (`_` or absent for none).
        name: Option<Ident>,
        /// `when (...)`
        guard: Option<Expr>,
    },
    /// `default:`
    Default,
}

/// One section of a `switch`: labels then statements.
#[derive(Debug, Clone, PartialEq)]
pub struct SwitchSection {
    /// The labels.
    pub labels: Vec<SwitchLabel>,
    /// The statements.
    pub statements: Vec<Stmt>,
}

/// A statement in an `@{ ... }` block or a lambda body.
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    /// What it is.
    pub kind: StmtKind,
    /// Where it stands.
    pub span: Span,
}

/// The kinds of statement.
#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    /// `var x = 1;`, `string a, b = "";` (`ty` `None` for `var`).
    Declaration {
        /// Declared type; `None` for `var`.
        ty: Option<TypeRef>,
        /// The locals.
        declarators: Vec<Declarator>,
    },
    /// An expression statement (call, assignment, increment).
    Expr(Expr),
    /// `return;` / `return expr;`
    Return(Option<Expr>),
    /// `if (c) s else s`
    If {
        /// The test.
        condition: Expr,
        /// Then branch.
        then_branch: Box<Stmt>,
        /// Else branch.
        else_branch: Option<Box<Stmt>>,
    },
    /// `{ ... }`
    Block(Block),
    /// `foreach (T x in e) s`
    ForEach {
        /// Declared type; `None` for `var`.
        ty: Option<TypeRef>,
        /// The loop variable.
        name: Ident,
        /// The collection.
        collection: Expr,
        /// The body.
        body: Box<Stmt>,
    },
    /// `for (init; cond; step) s`
    For {
        /// Initialiser statements (a declaration or expressions).
        init: Vec<Stmt>,
        /// The test.
        condition: Option<Expr>,
        /// The step expressions.
        step: Vec<Expr>,
        /// The body.
        body: Box<Stmt>,
    },
    /// `while (c) s`
    While {
        /// The test.
        condition: Expr,
        /// The body.
        body: Box<Stmt>,
    },
    /// `do s while (c);`
    DoWhile {
        /// The body.
        body: Box<Stmt>,
        /// The test.
        condition: Expr,
    },
    /// `switch (e) { sections }`
    Switch {
        /// The value switched on.
        value: Expr,
        /// The sections.
        sections: Vec<SwitchSection>,
    },
    /// `break;`
    Break,
    /// `continue;`
    Continue,
    /// `throw;` / `throw expr;`
    Throw(Option<Expr>),
    /// `try { } catch ... finally { }`
    Try {
        /// The guarded block.
        body: Block,
        /// Catch clauses in order.
        catches: Vec<CatchClause>,
        /// `finally`
        finally: Option<Block>,
    },
    /// A local function `T Name(T a, ...) { ... }` or `=> expr;`.
    LocalFunction {
        /// Return type (`void` is a type named `void`).
        return_type: TypeRef,
        /// The name.
        name: Ident,
        /// Parameters (type required).
        params: Vec<LambdaParam>,
        /// The body.
        body: LambdaBody,
    },
    /// `;`
    Empty,
}
