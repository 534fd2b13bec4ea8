//! Multi-statement expressions `@{ ... }`: compiling statements (declarations, assignment,
//! `if`, loops, `switch`, `try`/`catch`/`finally`, `throw`, `return`) and running them.
//!
//! As in C#, every code path must end in `return` (or `throw`): "not all code paths return a
//! value" is a load error. Loops count against a per-evaluation iteration limit.

use crate::diagnostic::Span;

use super::ast::{self, AssignOp, BinaryOp, Expr, ExprKind, Stmt, StmtKind, UnaryOp};
use super::compile::{
    CompileError, Compiler, assignable, common_type, num_kind, num_type, resolve_type,
};
use super::eval::{ArithOp, Exception, ExceptionKind, Frame, Node, eval};
use super::types::Type;
use super::value::Value;

/// A compiled statement.
#[derive(Debug)]
pub(crate) enum StmtNode {
    Expr(Node),
    Set {
        slot: u16,
        value: Node,
    },
    If {
        condition: Node,
        then_branch: Box<StmtNode>,
        else_branch: Option<Box<StmtNode>>,
    },
    Block(Vec<StmtNode>),
    Return(Option<Node>),
    While {
        condition: Node,
        body: Box<StmtNode>,
        span: Span,
    },
    DoWhile {
        body: Box<StmtNode>,
        condition: Node,
        span: Span,
    },
    For {
        init: Vec<StmtNode>,
        condition: Option<Node>,
        step: Vec<StmtNode>,
        body: Box<StmtNode>,
        span: Span,
    },
    ForEach {
        slot: u16,
        collection: Node,
        body: Box<StmtNode>,
        span: Span,
    },
    Break,
    Continue,
    Throw {
        value: Option<Node>,
        span: Span,
    },
    Try {
        body: Box<StmtNode>,
        catches: Vec<Catch>,
        finally: Option<Box<StmtNode>>,
    },
    Switch {
        value: Node,
        kind: super::eval::CompareKind,
        sections: Vec<(Vec<Option<Node>>, Vec<StmtNode>)>,
    },
    Empty,
}

/// One compiled `catch`.
#[derive(Debug)]
pub(crate) struct Catch {
    /// Exception type names it catches (`None`: all).
    kinds: Option<Vec<&'static str>>,
    /// The slot holding the message, for `catch (Exception e)` with `e.Message`.
    binding: Option<u16>,
    filter: Option<Node>,
    body: StmtNode,
}

/// How a statement ended.
enum Control<'a> {
    Normal,
    Break,
    Continue,
    Return(Value<'a>),
}

/// Compiles a block; returns the statements and the type the returns agree on.
pub(crate) fn compile_block(
    compiler: &mut Compiler,
    block: &ast::Block,
) -> Result<(StmtNode, Type), CompileError> {
    let mut state = BlockCompiler {
        compiler,
        return_type: None,
        loops: 0,
    };
    let node = state.block(&block.statements)?;
    if !always_returns(&block.statements) {
        return Err(CompileError::new(
            "not all code paths return a value",
            Span::new(block.span.end.saturating_sub(1), block.span.end),
        ));
    }
    let ty = state.return_type.unwrap_or(Type::Object);
    Ok((node, ty))
}

struct BlockCompiler<'c> {
    compiler: &'c mut Compiler,
    return_type: Option<Type>,
    loops: u32,
}

impl BlockCompiler<'_> {
    fn block(&mut self, statements: &[Stmt]) -> Result<StmtNode, CompileError> {
        let mark = self.compiler.scope_mark();
        let mut out = Vec::with_capacity(statements.len());
        for s in statements {
            out.push(self.statement(s)?);
        }
        self.compiler.scope_restore(mark);
        Ok(StmtNode::Block(out))
    }

    fn nested(&mut self, statement: &Stmt) -> Result<StmtNode, CompileError> {
        let mark = self.compiler.scope_mark();
        let node = self.statement(statement);
        self.compiler.scope_restore(mark);
        node
    }

    fn statement(&mut self, statement: &Stmt) -> Result<StmtNode, CompileError> {
        let span = statement.span;
        match &statement.kind {
            StmtKind::Empty => Ok(StmtNode::Empty),
            StmtKind::Block(block) => self.block(&block.statements),
            StmtKind::Declaration { ty, declarators } => {
                let declared = ty.as_ref().map(resolve_type).transpose()?;
                let mut out = Vec::new();
                for d in declarators {
                    let (init, init_ty) = match &d.init {
                        Some(e) => {
                            let (node, t) = self.compiler.value(e)?;
                            (Some(node), Some((t, e.span)))
                        }
                        None => (None, None),
                    };
                    let local_ty = match (declared, init_ty) {
                        (Some(d), Some((t, s))) => {
                            if !assignable(t, d) {
                                return Err(CompileError::new(
                                    format!("Cannot implicitly convert type '{t}' to '{d}'"),
                                    s,
                                ));
                            }
                            d
                        }
                        (Some(d), None) => d,
                        (None, Some((Type::Null, s))) => {
                            return Err(CompileError::new(
                                "Cannot assign <null> to an implicitly-typed variable",
                                s,
                            ));
                        }
                        (None, Some((Type::Void, s))) => {
                            return Err(CompileError::new(
                                "Cannot assign void to an implicitly-typed variable",
                                s,
                            ));
                        }
                        (None, Some((t, _))) => t,
                        (None, None) => {
                            return Err(CompileError::new(
                                "Implicitly-typed variables must be initialized",
                                d.name.span,
                            ));
                        }
                    };
                    let slot = self.compiler.declare(&d.name, local_ty)?;
                    if let Some(value) = init {
                        out.push(StmtNode::Set { slot, value });
                    }
                }
                Ok(StmtNode::Block(out))
            }
            StmtKind::Expr(e) => self.expression_statement(e),
            StmtKind::Return(value) => {
                let Some(e) = value else {
                    return Err(CompileError::new(
                        "An object of a type convertible to the expression's result is required",
                        span,
                    ));
                };
                let (node, ty) = self.compiler.value(e)?;
                self.return_type = Some(match self.return_type {
                    None => ty,
                    Some(prev) => common_type(prev, ty).unwrap_or(Type::Object),
                });
                Ok(StmtNode::Return(Some(node)))
            }
            StmtKind::If {
                condition,
                then_branch,
                else_branch,
            } => Ok(StmtNode::If {
                condition: self.compiler.boolean(condition)?,
                then_branch: Box::new(self.nested(then_branch)?),
                else_branch: match else_branch {
                    Some(e) => Some(Box::new(self.nested(e)?)),
                    None => None,
                },
            }),
            StmtKind::While { condition, body } => {
                let condition = self.compiler.boolean(condition)?;
                let body = self.loop_body(body)?;
                Ok(StmtNode::While {
                    condition,
                    body: Box::new(body),
                    span,
                })
            }
            StmtKind::DoWhile { body, condition } => {
                let body = self.loop_body(body)?;
                Ok(StmtNode::DoWhile {
                    body: Box::new(body),
                    condition: self.compiler.boolean(condition)?,
                    span,
                })
            }
            StmtKind::For {
                init,
                condition,
                step,
                body,
            } => {
                let mark = self.compiler.scope_mark();
                let mut init_nodes = Vec::new();
                for s in init {
                    init_nodes.push(self.statement(s)?);
                }
                let condition = condition
                    .as_ref()
                    .map(|c| self.compiler.boolean(c))
                    .transpose()?;
                let mut step_nodes = Vec::new();
                for e in step {
                    step_nodes.push(self.expression_statement(e)?);
                }
                let body = self.loop_body(body)?;
                self.compiler.scope_restore(mark);
                Ok(StmtNode::For {
                    init: init_nodes,
                    condition,
                    step: step_nodes,
                    body: Box::new(body),
                    span,
                })
            }
            StmtKind::ForEach {
                ty,
                name,
                collection,
                body,
            } => {
                let (collection, collection_ty) = self.compiler.value(collection)?;
                let item = super::lib::element_type(collection_ty).ok_or_else(|| {
                    CompileError::new(
                        format!("foreach statement cannot operate on variables of type '{collection_ty}'"),
                        span,
                    )
                })?;
                let item_ty = match ty {
                    Some(t) => {
                        let t = resolve_type(t)?;
                        if !assignable(item, t) {
                            return Err(CompileError::new(
                                format!("Cannot convert type '{item}' to '{t}'"),
                                span,
                            ));
                        }
                        t
                    }
                    None => item,
                };
                let mark = self.compiler.scope_mark();
                let slot = self.compiler.declare(name, item_ty)?;
                let body = self.loop_body(body);
                self.compiler.scope_restore(mark);
                Ok(StmtNode::ForEach {
                    slot,
                    collection,
                    body: Box::new(body?),
                    span,
                })
            }
            StmtKind::Break | StmtKind::Continue if self.loops == 0 => Err(CompileError::new(
                "No enclosing loop out of which to break or continue",
                span,
            )),
            StmtKind::Break => Ok(StmtNode::Break),
            StmtKind::Continue => Ok(StmtNode::Continue),
            StmtKind::Throw(value) => Ok(StmtNode::Throw {
                value: match value {
                    Some(e) => Some(self.compiler.value(e)?.0),
                    None => None,
                },
                span,
            }),
            StmtKind::Try {
                body,
                catches,
                finally,
            } => {
                let body = self.block(&body.statements)?;
                let mut compiled = Vec::new();
                for c in catches {
                    let mark = self.compiler.scope_mark();
                    let kinds = match &c.ty {
                        None => None,
                        Some(t) => exception_filter(t)?,
                    };
                    let binding = match &c.name {
                        Some(n) => Some(self.compiler.declare(n, Type::Exception)?),
                        None => None,
                    };
                    let filter = c
                        .filter
                        .as_ref()
                        .map(|f| self.compiler.boolean(f))
                        .transpose()?;
                    let body = self.block(&c.body.statements)?;
                    self.compiler.scope_restore(mark);
                    compiled.push(Catch {
                        kinds,
                        binding,
                        filter,
                        body,
                    });
                }
                let finally = match finally {
                    Some(f) => Some(Box::new(self.block(&f.statements)?)),
                    None => None,
                };
                Ok(StmtNode::Try {
                    body: Box::new(body),
                    catches: compiled,
                    finally,
                })
            }
            StmtKind::Switch { value, sections } => {
                let (value, value_ty) = self.compiler.value(value)?;
                let kind = match value_ty {
                    Type::String => super::eval::CompareKind::String,
                    Type::Boolean => super::eval::CompareKind::Bool,
                    t if t.is_numeric() => super::eval::CompareKind::Integer,
                    t => {
                        return Err(CompileError::new(
                            format!("switch on a value of type '{t}' is not supported"),
                            span,
                        ));
                    }
                };
                let mut out = Vec::new();
                self.loops += 1; // `break` leaves a switch section
                for section in sections {
                    let mut labels = Vec::new();
                    for label in &section.labels {
                        match label {
                            ast::SwitchLabel::Default => labels.push(None),
                            ast::SwitchLabel::Case(e) => {
                                labels.push(Some(self.compiler.value(e)?.0))
                            }
                            ast::SwitchLabel::Pattern { ty, .. } => {
                                self.loops -= 1;
                                return Err(CompileError::new(
                                    "type patterns in switch are not supported yet",
                                    ty.span,
                                ));
                            }
                        }
                    }
                    let mark = self.compiler.scope_mark();
                    let mut body = Vec::new();
                    for s in &section.statements {
                        body.push(self.statement(s)?);
                    }
                    self.compiler.scope_restore(mark);
                    out.push((labels, body));
                }
                self.loops -= 1;
                Ok(StmtNode::Switch {
                    value,
                    kind,
                    sections: out,
                })
            }
            StmtKind::LocalFunction { name, .. } => Err(CompileError::new(
                "local functions are not supported yet",
                name.span,
            )),
        }
    }

    fn loop_body(&mut self, body: &Stmt) -> Result<StmtNode, CompileError> {
        self.loops += 1;
        let node = self.nested(body);
        self.loops -= 1;
        node
    }

    /// An expression statement: an assignment, `++`/`--`, or a call.
    fn expression_statement(&mut self, e: &Expr) -> Result<StmtNode, CompileError> {
        match &e.kind {
            ExprKind::Assign { op, target, value } => {
                if let Some(node) =
                    self.collection_element_assignment(*op, target, value, e.span)?
                {
                    return Ok(StmtNode::Expr(node));
                }
                let (slot, ty) = self.assignable_local(target)?;
                let (value_node, value_ty) = match op {
                    AssignOp::Assign => self.compiler.value(value)?,
                    AssignOp::Compound(bin) => {
                        let (right, right_ty) = self.compiler.value(value)?;
                        self.compound(*bin, slot, ty, right, right_ty, e.span)?
                    }
                };
                if !assignable(value_ty, ty) {
                    return Err(CompileError::new(
                        format!("Cannot implicitly convert type '{value_ty}' to '{ty}'"),
                        value.span,
                    ));
                }
                Ok(StmtNode::Set {
                    slot,
                    value: value_node,
                })
            }
            ExprKind::Unary {
                op:
                    op @ (UnaryOp::PreIncrement
                    | UnaryOp::PostIncrement
                    | UnaryOp::PreDecrement
                    | UnaryOp::PostDecrement),
                operand,
            } => {
                let (slot, ty) = self.assignable_local(operand)?;
                let bin = if matches!(op, UnaryOp::PreIncrement | UnaryOp::PostIncrement) {
                    BinaryOp::Add
                } else {
                    BinaryOp::Subtract
                };
                let one = Node::Const(super::eval::Constant::Int(1));
                let (value, _) = self.compound(bin, slot, ty, one, Type::Int32, e.span)?;
                Ok(StmtNode::Set { slot, value })
            }
            ExprKind::Call { .. } => Ok(StmtNode::Expr(self.compiler.value(e)?.0)),
            _ => Err(CompileError::new(
                "Only assignment, call, increment, decrement, and new object expressions can be used as a statement",
                e.span,
            )),
        }
    }

    /// `list[i] = x`, `dict[key] = v` (and `op=`): element assignment on a collection, or
    /// `None` for other targets.
    fn collection_element_assignment(
        &mut self,
        op: AssignOp,
        target: &Expr,
        value: &Expr,
        span: Span,
    ) -> Result<Option<Node>, CompileError> {
        if !matches!(target.kind, ExprKind::Index { .. }) {
            return Ok(None);
        }
        self.compiler.collection_assignment(op, target, value, span)
    }

    fn assignable_local(&self, target: &Expr) -> Result<(u16, Type), CompileError> {
        match &target.kind {
            ExprKind::Name(name) => self.compiler.local(&name.name).ok_or_else(|| {
                CompileError::new(
                    format!(
                        "The name '{}' does not exist in the current context",
                        name.name
                    ),
                    name.span,
                )
            }),
            _ => Err(CompileError::new(
                "The left-hand side of an assignment must be a local variable here",
                target.span,
            )),
        }
    }

    /// `local op right` for compound assignment and `++`/`--`.
    fn compound(
        &self,
        op: BinaryOp,
        slot: u16,
        ty: Type,
        right: Node,
        right_ty: Type,
        span: Span,
    ) -> Result<(Node, Type), CompileError> {
        let left = Node::Local(slot);
        if op == BinaryOp::Add && ty == Type::String {
            return Ok((Node::Concat(Box::new(left), Box::new(right)), Type::String));
        }
        let arith = match op {
            BinaryOp::Add => ArithOp::Add,
            BinaryOp::Subtract => ArithOp::Subtract,
            BinaryOp::Multiply => ArithOp::Multiply,
            BinaryOp::Divide => ArithOp::Divide,
            BinaryOp::Remainder => ArithOp::Remainder,
            _ => {
                return Err(CompileError::new(
                    "this compound assignment is not supported yet",
                    span,
                ));
            }
        };
        let kind = num_kind(ty, right_ty).ok_or_else(|| {
            CompileError::new(
                format!("Operator cannot be applied to operands of type '{ty}' and '{right_ty}'"),
                span,
            )
        })?;
        let node = Node::Arith {
            op: arith,
            kind,
            left: Box::new(left),
            right: Box::new(right),
            span,
        };
        // Compound assignment converts the result back to the variable's type, as C# does.
        if num_type(kind) == ty {
            Ok((node, ty))
        } else {
            Ok((
                Node::Numeric {
                    to: ty,
                    operand: Box::new(node),
                    span,
                },
                ty,
            ))
        }
    }
}

/// The exception type names a `catch (T)` clause catches; `Exception` catches all.
fn exception_filter(ty: &ast::TypeRef) -> Result<Option<Vec<&'static str>>, CompileError> {
    let name = ty.path.last().map(|i| i.name.as_str()).unwrap_or("");
    let kinds: &[ExceptionKind] = match name {
        "Exception" => return Ok(None),
        "NullReferenceException" => &[ExceptionKind::NullReference],
        "InvalidCastException" => &[ExceptionKind::InvalidCast],
        "ArgumentException" => &[
            ExceptionKind::Argument,
            ExceptionKind::ArgumentNull,
            ExceptionKind::ArgumentOutOfRange,
        ],
        "ArgumentOutOfRangeException" => &[ExceptionKind::ArgumentOutOfRange],
        "ArgumentNullException" => &[ExceptionKind::ArgumentNull],
        "FormatException" => &[ExceptionKind::Format],
        "KeyNotFoundException" => &[ExceptionKind::KeyNotFound],
        "IndexOutOfRangeException" => &[ExceptionKind::IndexOutOfRange],
        "InvalidOperationException" => &[ExceptionKind::InvalidOperation],
        "DivideByZeroException" => &[ExceptionKind::DivideByZero],
        "ArithmeticException" => &[
            ExceptionKind::DivideByZero,
            ExceptionKind::Overflow,
            ExceptionKind::Arithmetic,
        ],
        "OverflowException" => &[ExceptionKind::Overflow],
        _ => {
            return Err(CompileError::new(
                format!("The type or namespace name '{name}' could not be found"),
                ty.span,
            ));
        }
    };
    Ok(Some(kinds.iter().map(|k| k.type_name()).collect()))
}

/// Whether every path through `statements` ends in `return` or `throw`.
fn always_returns(statements: &[Stmt]) -> bool {
    statements.iter().any(stmt_always_returns)
}

fn stmt_always_returns(statement: &Stmt) -> bool {
    match &statement.kind {
        StmtKind::Return(_) | StmtKind::Throw(_) => true,
        StmtKind::Block(b) => always_returns(&b.statements),
        StmtKind::If {
            then_branch,
            else_branch: Some(else_branch),
            ..
        } => stmt_always_returns(then_branch) && stmt_always_returns(else_branch),
        StmtKind::While { condition, body } => {
            matches!(condition.kind, ExprKind::Literal(ast::Literal::Bool(true))) && !breaks(body)
        }
        StmtKind::Try {
            body,
            catches,
            finally,
        } => {
            finally
                .as_ref()
                .is_some_and(|f| always_returns(&f.statements))
                || (always_returns(&body.statements)
                    && catches.iter().all(|c| always_returns(&c.body.statements)))
        }
        StmtKind::Switch { sections, .. } => {
            sections
                .iter()
                .any(|s| s.labels.contains(&ast::SwitchLabel::Default))
                && sections.iter().all(|s| always_returns(&s.statements))
        }
        _ => false,
    }
}

/// Whether `statement` contains a `break` for the loop it is the body of.
fn breaks(statement: &Stmt) -> bool {
    match &statement.kind {
        StmtKind::Break => true,
        StmtKind::Block(b) => b.statements.iter().any(breaks),
        StmtKind::If {
            then_branch,
            else_branch,
            ..
        } => breaks(then_branch) || else_branch.as_ref().is_some_and(|e| breaks(e)),
        StmtKind::Try {
            body,
            catches,
            finally,
        } => {
            body.statements.iter().any(breaks)
                || catches.iter().any(|c| c.body.statements.iter().any(breaks))
                || finally
                    .as_ref()
                    .is_some_and(|f| f.statements.iter().any(breaks))
        }
        _ => false,
    }
}

/// Runs a compiled block; the value of its `return`.
pub(crate) fn run<'a>(block: &'a StmtNode, frame: &mut Frame<'a>) -> Result<Value<'a>, Exception> {
    match exec(block, frame)? {
        Control::Return(value) => Ok(value),
        // Compile-time analysis guarantees a return; reaching here means a loop fell through.
        _ => Err(Exception::new(
            ExceptionKind::InvalidOperation,
            "The multi-statement expression ended without returning a value.",
            Span::default(),
        )),
    }
}

fn truth(value: &Value<'_>) -> bool {
    matches!(value, Value::Bool(true))
}

fn exec<'a>(statement: &'a StmtNode, frame: &mut Frame<'a>) -> Result<Control<'a>, Exception> {
    match statement {
        StmtNode::Empty => Ok(Control::Normal),
        StmtNode::Expr(node) => {
            eval(node, frame)?;
            Ok(Control::Normal)
        }
        StmtNode::Set { slot, value } => {
            let value = eval(value, frame)?;
            frame.set(*slot, value);
            Ok(Control::Normal)
        }
        StmtNode::Block(statements) => {
            for s in statements {
                match exec(s, frame)? {
                    Control::Normal => {}
                    other => return Ok(other),
                }
            }
            Ok(Control::Normal)
        }
        StmtNode::Return(value) => Ok(Control::Return(match value {
            Some(v) => eval(v, frame)?,
            None => Value::Null,
        })),
        StmtNode::If {
            condition,
            then_branch,
            else_branch,
        } => {
            if truth(&eval(condition, frame)?) {
                exec(then_branch, frame)
            } else if let Some(e) = else_branch {
                exec(e, frame)
            } else {
                Ok(Control::Normal)
            }
        }
        StmtNode::While {
            condition,
            body,
            span,
        } => {
            while truth(&eval(condition, frame)?) {
                frame.tick(*span)?;
                match exec(body, frame)? {
                    Control::Break => break,
                    Control::Return(v) => return Ok(Control::Return(v)),
                    Control::Normal | Control::Continue => {}
                }
            }
            Ok(Control::Normal)
        }
        StmtNode::DoWhile {
            body,
            condition,
            span,
        } => {
            loop {
                frame.tick(*span)?;
                match exec(body, frame)? {
                    Control::Break => break,
                    Control::Return(v) => return Ok(Control::Return(v)),
                    Control::Normal | Control::Continue => {}
                }
                if !truth(&eval(condition, frame)?) {
                    break;
                }
            }
            Ok(Control::Normal)
        }
        StmtNode::For {
            init,
            condition,
            step,
            body,
            span,
        } => {
            for s in init {
                exec(s, frame)?;
            }
            loop {
                if let Some(c) = condition
                    && !truth(&eval(c, frame)?)
                {
                    break;
                }
                frame.tick(*span)?;
                match exec(body, frame)? {
                    Control::Break => break,
                    Control::Return(v) => return Ok(Control::Return(v)),
                    Control::Normal | Control::Continue => {}
                }
                for s in step {
                    exec(s, frame)?;
                }
            }
            Ok(Control::Normal)
        }
        StmtNode::ForEach {
            slot,
            collection,
            body,
            span,
        } => {
            let collection = eval(collection, frame)?;
            let version = super::lib::collection_version(&collection);
            let mut index = 0usize;
            loop {
                // A list, set or dictionary changed by the loop body fails the next step, as
                // .NET's enumerators do.
                if version.is_some() && super::lib::collection_version(&collection) != version {
                    return Err(super::lib::modified(*span));
                }
                let Some(item) = super::lib::item_at(&collection, index, *span)? else {
                    break;
                };
                index += 1;
                frame.tick(*span)?;
                frame.set(*slot, item);
                match exec(body, frame)? {
                    Control::Break => break,
                    Control::Return(v) => return Ok(Control::Return(v)),
                    Control::Normal | Control::Continue => {}
                }
            }
            Ok(Control::Normal)
        }
        StmtNode::Break => Ok(Control::Break),
        StmtNode::Continue => Ok(Control::Continue),
        StmtNode::Throw { value, span } => {
            let message = match value {
                Some(v) => eval(v, frame)?.to_display_string(),
                None => "Exception of type 'System.Exception' was thrown.".to_owned(),
            };
            Err(Exception::new(
                ExceptionKind::InvalidOperation,
                message,
                *span,
            ))
        }
        StmtNode::Try {
            body,
            catches,
            finally,
        } => {
            let result = match exec(body, frame) {
                Ok(control) => Ok(control),
                Err(exception) => catch(catches, exception, frame),
            };
            if let Some(f) = finally {
                match exec(f, frame)? {
                    Control::Normal => {}
                    other => return Ok(other),
                }
            }
            result
        }
        StmtNode::Switch {
            value,
            kind,
            sections,
        } => {
            let value = eval(value, frame)?;
            let mut chosen = None;
            'find: for (i, (labels, _)) in sections.iter().enumerate() {
                for label in labels.iter().flatten() {
                    let candidate = eval(label, frame)?;
                    if super::eval::compare_values(
                        super::eval::CompareOp::Equal,
                        *kind,
                        &value,
                        &candidate,
                    ) {
                        chosen = Some(i);
                        break 'find;
                    }
                }
            }
            let chosen = chosen.or_else(|| {
                sections
                    .iter()
                    .position(|(labels, _)| labels.iter().any(Option::is_none))
            });
            if let Some((_, body)) = chosen.and_then(|i| sections.get(i)) {
                for s in body {
                    match exec(s, frame)? {
                        Control::Normal => {}
                        Control::Break => break,
                        other => return Ok(other),
                    }
                }
            }
            Ok(Control::Normal)
        }
    }
}

fn catch<'a>(
    catches: &'a [Catch],
    exception: Exception,
    frame: &mut Frame<'a>,
) -> Result<Control<'a>, Exception> {
    for c in catches {
        let matches = c
            .kinds
            .as_ref()
            .is_none_or(|kinds| kinds.contains(&exception.kind.type_name()));
        if !matches {
            continue;
        }
        if let Some(slot) = c.binding {
            frame.set(
                slot,
                Value::String(std::sync::Arc::from(exception.message.as_ref())),
            );
        }
        if let Some(filter) = &c.filter
            && !truth(&eval(filter, frame)?)
        {
            continue;
        }
        return exec(&c.body, frame);
    }
    Err(exception)
}
